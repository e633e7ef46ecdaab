"""Reference for test/models-resnet.test.ts: one torchvision ResNet variant (argv[2]), randomly
initialized under a seed, with non-trivial BN parameters/statistics. Saves the state_dict (in
order), an input, the eval output, a training-mode output, the BN buffers after that training
forward, and the parameter gradients of loss = mean(out²)."""
import sys

import torch
import torchvision.models as tvm
from torchvision.models.resnet import ResNet, Bottleneck, BasicBlock

from reflib import nontrivial_bn, outdir_from_argv, save_tensors


def conv3x3(i, o, stride=1):
    return torch.nn.Conv2d(i, o, kernel_size=3, stride=stride, padding=1, bias=False)


class DeepStemResNet(ResNet):
    """PFENet/PSPNet resnet50_v2: three 3x3 convs in the stem, inplanes 128 (keys conv1..bn3)."""

    def __init__(self, block, layers, replace_stride_with_dilation=None, num_classes=1000):
        super().__init__(block, layers, num_classes=num_classes, replace_stride_with_dilation=replace_stride_with_dilation)
        # rebuild with the deep stem; registration order as PFENet: conv1, bn1, conv2, bn2, conv3, bn3, relu, maxpool, layers
        layer_mods = [self.layer1, self.layer2, self.layer3, self.layer4, self.avgpool, self.fc]
        for name in ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"]:
            delattr(self, name)
        self.conv1 = conv3x3(3, 64, stride=2)
        self.bn1 = torch.nn.BatchNorm2d(64)
        self.conv2 = conv3x3(64, 64)
        self.bn2 = torch.nn.BatchNorm2d(64)
        self.conv3 = conv3x3(64, 128)
        self.bn3 = torch.nn.BatchNorm2d(128)
        self.relu = torch.nn.ReLU(inplace=True)
        self.maxpool = torch.nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.inplanes = 128
        self.dilation = 1
        rswd = replace_stride_with_dilation or [False, False, False]
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=rswd[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=rswd[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=rswd[2])
        self.avgpool, self.fc = layer_mods[4], layer_mods[5]

    def _forward_impl(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        x = self.relu(self.bn3(self.conv3(x)))
        x = self.maxpool(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


VARIANTS = {
    "resnet18": lambda: tvm.resnet18(),
    "resnet34": lambda: tvm.resnet34(num_classes=10),
    "resnet50": lambda: tvm.resnet50(),
    "resnet101": lambda: tvm.resnet101(num_classes=10),
    "resnet152": lambda: tvm.resnet152(num_classes=10),
    "resnext50_32x4d": lambda: tvm.resnext50_32x4d(num_classes=10),
    "wide_resnet50_2": lambda: tvm.wide_resnet50_2(num_classes=10),
    "resnet50_dilated": lambda: tvm.resnet50(num_classes=10, replace_stride_with_dilation=[False, True, True]),
    "resnet50_deepstem": lambda: DeepStemResNet(Bottleneck, [3, 4, 6, 3], [False, True, True], num_classes=10),
}


def main():
    outdir = outdir_from_argv()
    variant = sys.argv[2]
    torch.manual_seed(0)
    net = VARIANTS[variant]()
    nontrivial_bn(net)  # so a wrong eval/train path cannot pass
    tensors = {}
    keys = list(net.state_dict().keys())
    for k, v in net.state_dict().items():
        tensors["sd." + k] = v.clone()
    x = torch.randn(2, 3, 32, 32)  # small: layer4 is 1x1, batch 2 keeps BN training valid
    tensors["x"] = x
    net.eval()
    with torch.no_grad():
        tensors["out_eval"] = net(x)
    net.train()
    out = net(x)
    tensors["out_train"] = out.detach()
    out.pow(2).mean().backward()
    params = [n for n, _ in net.named_parameters()]
    for n, p in net.named_parameters():
        tensors["grad." + n] = p.grad
    buffers = [n for n, _ in net.named_buffers()]
    for n, b in net.named_buffers():
        tensors["post." + n] = b
    save_tensors(outdir, tensors, {"keys": keys, "params": params, "buffers": buffers})


if __name__ == "__main__":
    main()
