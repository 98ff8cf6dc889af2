"""The fwctl kernel's rules for one FWCTL_RPC, written once (DESIGN.md: "A kernel rule is
written once: the preview reports it and the emulator executes it").

Each rule turns a request into a verdict: accepted, or the FIRST rule that refuses it,
with its errno and reason, plus whether the core taints the kernel on the way. The
consequence previews (policy.py) report that verdict before anything is sent; the kernel
emulator (sim/emulator.py and the simulated drivers) runs the same functions and returns
the refusing rule's errno. core.py holds the fwctl core's checks and the ordered
evaluation; mlx5.py, cxl.py and pds.py each driver's own. Orders and errnos are the
facts' (fwctl-facts.json `errno`, `scope_rules`, `taint`, `mlx5.rpc_steps`; cxl_pds.json
`driver_rules`). tests/unit/test_kernel_rules_agree.py checks preview == emulator.
"""
