"""mlx5: the command catalogue, access registers, union contexts, status codes and prose.

The tables come from generated/mlx5.json (tools/gen_mlx5.py); the words (summaries, field
help, status explanations) are ours and live in docs.py, register_docs.py, field_docs.py.
"""
