"""Layout engine and mlx5 catalogue: bytes <-> trees of named fields, headless.

No textual, no devices: screens, the CLI, the simulator and tests all use this package.

Catalogue (``from fwctl_tui.decoders import catalogue``)::

    catalogue.commands() -> list[Command]          # the 94 allow-listed, by group then name
    catalogue.registers() -> list[Register]        # access registers (PRM database + kernel)
    catalogue.find(text) -> Command                # "QUERY_HCA_CAP", "ACCESS_REG:PPCNT",
                                                   # "PPCNT", "0x805", "2053"; LookupError
    catalogue.search(query, limit=200) -> list[SearchHit]   # names, opcodes, ids, fields
    catalogue.generic_command(opcode) -> Command   # decode-only stand-in (header + raw)
    catalogue.find_register(text) -> Register      # name, alias, id; LookupError
    catalogue.bind_register(base, register) -> Command   # e.g. ("ACCESS_REG", "PDDR")
    catalogue.cap_pages() -> list[dict]            # HCA capability types -> layouts
    catalogue.layout_contexts()                    # (label, layout, context) for every
                                                   # layout the catalogue decodes

    Command: name, opcode, group, summary, in_layout, out_layout, layout_public, op_mods,
             default_op_mod, register, since, kernel_name, note, allowed;
             min_scope(op_mod=None) -> Scope, taints(op_mod=None), is_write(op_mod=None),
             min_scope_by_op_mod() -> dict[int, Scope] | None, op_mod_name(op_mod=None)
    Register: name, id, layout, summary, index_fields, pages (Page: field, selector,
             variants, members), access {path: INDEX|RW|RO|WO|OP}, aliases, source
    SearchHit: kind (command|register|field), name, command, path, detail, score

Encoding and decoding (re-exported here from fwctl_tui.decoders.codec)::

    encode_input(cmd, values, *, op_mod=None) -> bytes
    decode_input(cmd, data) -> Node
    decode_output(cmd, out, in_=None) -> Node        # in_ picks cap page / register
    encode_output(cmd, values, *, in_=None, op_mod=None) -> bytes   # whole firmware reply
    output_size(cmd, in_=None, op_mod=None) -> int   # bytes of the resolved reply layout
    reply_buffer_size(cmd, in_=None, op_mod=None)     # out_len to ask for (+ list room)
    encode_layout(layout_name, values, context=None, *, size_bytes=None) -> bytes
    decode_layout(layout_name, data, context=None) -> Node
    input_fields(cmd, op_mod=None) -> list[FieldSpec]   # form inputs, INDEX fields first
    describe_fields(cmd, "in"|"out", op_mod=None) -> list[dict]

Value paths: dots for nesting, ``[i]`` for array elements, a union's member as a path
component; a leaf's last name alone when unambiguous (``local_port``). Examples:
``op_mod``, ``function_id``, ``register_data.local_port`` (or ``local_port``),
``capability.cmd_hca_cap.log_max_qp``,
``register_data.counter_set.eth_802_3_cntrs_grp_data_layout_ext.a_frames_transmitted_ok_high``.
Nested dicts/lists in the JSON decode shape are accepted. Values: int, "12", "0x1f",
enum labels ("read", "GENERAL/current", "Physical_Layer_Counters").

Trees::

    Node: name, path, kind (int|bytes|struct|union|array|raw), value, bit_offset,
          width_bits, label, doc, access, children, missing
    iter_leaves(node), iter_nodes(node), node_at_bit(root, bit), find_node(root, path)
    node_to_json(node)   # objects, {member: ...} for unions, lists, ints <= 64 bits,
                         # "0x.." for wider fields/raw bytes, null when missing

Status: ``fwctl_tui.decoders.mlx5.status`` -> status_name, explain_status, explain_syndrome.
Headers only: ``fwctl_tui.mbox_header`` (below the decoders, for the device layer too) ->
parse_request (opcode, uid, op_mod), parse_reply (status, syndrome), and the fields
OPCODE, UID, OP_MOD, STATUS, SYNDROME, REGISTER_ID at the facts' offsets.
The first search() builds its index (~0.1 s); warm it in a worker if latency matters.
Errors: DecodeError (has .position), EncodeError (has .field); both are ValueError.
"""

from __future__ import annotations

from fwctl_tui.decoders import catalogue
from fwctl_tui.decoders.codec import (
    FieldSpec,
    changes_device_state,
    decode_input,
    decode_layout,
    decode_output,
    describe_fields,
    encode_input,
    encode_layout,
    encode_output,
    input_fields,
    output_size,
    reply_buffer_size,
)
from fwctl_tui.decoders.errors import DecodeError, EncodeError
from fwctl_tui.decoders.mlx5.catalogue import Command, Register
from fwctl_tui.decoders.mlx5.search import SearchHit
from fwctl_tui.decoders.node import (
    Node,
    find_node,
    iter_leaves,
    iter_nodes,
    node_at_bit,
    node_to_json,
)
from fwctl_tui.decoders.values import parse_hex

__all__ = [
    "Command",
    "DecodeError",
    "EncodeError",
    "FieldSpec",
    "Node",
    "Register",
    "SearchHit",
    "catalogue",
    "changes_device_state",
    "decode_input",
    "decode_layout",
    "decode_output",
    "describe_fields",
    "encode_input",
    "encode_layout",
    "encode_output",
    "find_node",
    "input_fields",
    "iter_leaves",
    "iter_nodes",
    "node_at_bit",
    "node_to_json",
    "output_size",
    "parse_hex",
    "reply_buffer_size",
]
