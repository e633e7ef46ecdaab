// JS values <-> c10::IValue, driven by an operator's schema. This is how every ATen op is
// reached through one boxed entry point (as TorchScript's interpreter does), so each JS
// argument is checked against the declared type here and a mismatch is a TypeError.
#pragma once
#include <ATen/core/function_schema.h>
#include <ATen/core/ivalue.h>
#include <napi.h>

namespace svf {

// Converts `value` for schema argument `arg` (argument `index` of operator `op`).
c10::IValue ToIValue(Napi::Env env, const Napi::Value& value, const c10::Argument& arg, const std::string& op);
// Converts an op result; tensors become new handles, tuples and lists arrays.
Napi::Value FromIValue(Napi::Env env, const c10::IValue& value);

}  // namespace svf
