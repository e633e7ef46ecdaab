"""Shared by the Python sides of the benchmarks: peak RSS of this process (Linux)."""


def reset_peak():
    """VmHWM back to the current RSS (clear_refs 5)."""
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')


def peak_rss_mib():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
