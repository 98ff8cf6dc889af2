"""Which syndrome table explains a device's replies, chosen where it is opened.

Real firmware's syndromes are undocumented; the simulator makes its own and can say
what each one means (sim/mlx5/syndromes.py). A simulated device, or a capture whose
header says `simulated`, is explained with the simulator's table; a live device or a
capture of one with none. The table is passed down to the decoders' explanations
(decoders.mlx5.status.SyndromeTable), so neither they nor capture storage import the
simulator, and no process-wide registry decides.
"""

from __future__ import annotations

from fwctl_tui.decoders.mlx5.status import SyndromeTable


def syndromes_for(simulated: bool) -> SyndromeTable | None:
    """The simulator's syndrome table for a simulated source, else None (real firmware)."""
    if not simulated:
        return None
    from fwctl_tui.sim.mlx5 import syndromes  # only a simulated source loads the simulator

    return SyndromeTable(syndromes.SYNDROME_ORIGIN, syndromes.MEANINGS)
