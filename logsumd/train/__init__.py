"""Fine-tuning of the default model: data-set generator, LoRA training and GGUF export.

Needs the ``train`` extra (torch, transformers, peft, gguf); ``logsumd train --help``.
"""
