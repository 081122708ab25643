"""What the kernel says of a running process (Linux's /proc)."""

from __future__ import annotations


def resident_mb(pid: int) -> int:
    """The process's resident memory (VmRSS), in MB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) // 1024
