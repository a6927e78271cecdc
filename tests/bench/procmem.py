"""procmem: what a process really costs in memory, from /proc/PID/smaps_rollup.

RSS counts every resident page the process maps, shared library pages
included, as if nobody else used them. PSS divides each shared page among
the processes that map it, and USS (Private_Clean + Private_Dirty) is what
would be freed if the process went away. Figures in kB.
"""


def smaps(pid):
    """Rss, Pss, Uss, Anonymous and Swap in kB."""
    out = {}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1])
    out["Uss"] = out.get("Private_Clean", 0) + out.get("Private_Dirty", 0)
    return out


def describe(m):
    """RSS, PSS and USS in MB, for a line of a report."""
    return "RSS %.1f MB, PSS %.1f MB, USS %.1f MB" % (
        m["Rss"] / 1024.0, m["Pss"] / 1024.0, m["Uss"] / 1024.0)
