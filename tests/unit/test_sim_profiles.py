"""Simulator profiles: identities per card, capability pages that fit the catalogue's layouts,
current never above maximum, and a host whose functions look like a dual-port card."""

from __future__ import annotations

import pytest

from fwctl_tui.decoders.mlx5.catalogue import cap_pages
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.sim.host import SimHost
from fwctl_tui.sim.profile import PROFILES, flatten, load_profile
from fwctl_tui.uapi import MLX5_UCTX_CAPS

TOOLS_RESOURCES = MLX5_UCTX_CAPS["MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES"]
CARDS = {  # name -> (PCI device, firmware major, link speed Gb/s)
    "cx6dx": ("101d", 22, 100),
    "cx7": ("1021", 28, 400),
    "bf3": ("a2dc", 32, 200),
}


def _field(layout: str, path: str) -> tuple[str, int] | None:
    """(kind, width) of a dotted path in a catalogue layout, None when it does not exist."""
    name, _, rest = path.partition(".")
    found = layouts()[layout].by_name.get(name)
    if found is None:
        return None
    if rest:
        return _field(found.type or "", rest) if found.type else None
    return found.kind, found.width


def test_the_three_cards_are_packaged() -> None:
    assert set(CARDS) <= set(PROFILES)


@pytest.mark.parametrize("name", sorted(CARDS))
def test_identity(name: str) -> None:
    device, fw_major, speed = CARDS[name]
    profile = load_profile(name)
    assert (profile.pci_vendor, profile.pci_device) == ("15b3", device)
    assert profile.fw_version_tuple[0] == fw_major
    assert profile.psid.startswith("MT_") and len(profile.psid) <= 16
    assert profile.functions == 2
    assert [p.speed_gbps for p in profile.ports] == [speed, speed]
    assert all(speed in p.supported_gbps for p in profile.ports)
    assert len({p.mac for p in profile.ports}) == 2
    assert profile.bdf(1).endswith(":00.1") and profile.bdf(0) != profile.bdf(1)
    assert profile.netdev(0) != profile.netdev(1)


@pytest.mark.parametrize("name", sorted(CARDS))
def test_capability_values_fit_the_catalogue_layouts(name: str) -> None:
    page_layout = {p["name"]: p["layout"] for p in cap_pages()}
    for page_name, page in load_profile(name).caps.items():
        layout = page_layout[page_name]
        for path, value in page.max.items():
            found = _field(layout, path)
            assert found is not None, f"{name} {page_name}.{path} is not in {layout}"
            kind, width = found
            assert kind == "int" and 0 <= value < 1 << width, f"{page_name}.{path}={value}"


@pytest.mark.parametrize("name", sorted(CARDS))
def test_current_never_exceeds_maximum(name: str) -> None:
    for page_name, page in load_profile(name).caps.items():
        for path, value in page.cur.items():
            assert value <= page.max.get(path, 0), f"{name} {page_name}.{path}"


def test_generations_differ_where_the_silicon_does() -> None:
    cx6dx, cx7, bf3 = (load_profile(n) for n in ("cx6dx", "cx7", "bf3"))
    assert "TLS" not in cx6dx.caps and "TLS" in cx7.caps
    assert "VDPA_EMULATION" in bf3.caps and "VDPA_EMULATION" not in cx7.caps
    assert bf3.has("dpa") and not cx7.has("dpa") and not cx6dx.has("dpa")
    general = [p.caps["GENERAL"].max for p in (cx6dx, cx7)]
    assert general[0]["steering_format_version"] < general[1]["steering_format_version"]


def test_flatten_nests_to_dotted_paths() -> None:
    assert flatten({"a": {"b": {"c": 1}}, "d": 2}) == {"a.b.c": 1, "d": 2}


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(LookupError, match="cx7"):
        load_profile("cx9")


def test_host_lists_one_device_per_port_with_its_own_bdf_and_index() -> None:
    host = SimHost("cx7", seed=1, clock=lambda: 0.0)
    entries = host.entries()
    assert [e.name for e in entries] == ["sim:cx7", "sim:cx7.1"]
    assert [e.pci_bdf for e in entries] == ["0000:3b:00.0", "0000:3b:00.1"]
    assert [e.dev_node for e in entries] == ["/dev/fwctl/fwctl0", "/dev/fwctl/fwctl1"]
    assert all(e.firmware_version == "28.42.1000" and e.pci_ids == "15b3:1021" for e in entries)


@pytest.mark.parametrize(("name", "offered"), [("cx7", True), ("bf3", True), ("cx6dx", False)])
def test_tools_resources_uctx_cap_follows_the_generation(name: str, offered: bool) -> None:
    with SimHost(name, seed=1, clock=lambda: 0.0).functions[0].open() as dev:
        caps = dev.info().fields["uctx_caps"]
    assert bool(caps & TOOLS_RESOURCES) is offered
