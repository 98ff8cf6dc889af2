"""The decoded-tree widget's truncation: long child lists stop, a row says how many more."""

from fwctl_tui.widgets.capped_tree import TREE_CHILDREN, Capped


def test_capped_trees_stop_long_child_lists() -> None:
    from fwctl_tui.decoders import catalogue, decode_output, encode_input

    command = catalogue.find("QUERY_NIC_VPORT_CONTEXT")
    request = encode_input(command, {})
    reply = bytes(16) + bytes(1024 * 1024)
    root = Capped(decode_output(command, reply, in_=request))
    context = next(c for c in root.children if c.name == "nic_vport_context")
    macs = next(c for c in context.children if c.name == "current_uc_mac_address")
    assert len(macs.children) == TREE_CHILDREN + 1
    more = macs.children[-1]
    assert more.name.startswith("… ") and "more (see the hex view)" in more.name
    assert not more.children and macs.children[0].bit_offset < more.bit_offset
    assert context.name == "nic_vport_context" and context.path == "nic_vport_context"
