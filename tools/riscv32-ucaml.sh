#!/bin/sh
# Runs a bytecode executable on the emulated RISC-V board, like
# `ucaml prog.byte ARG...` (settings: RISCV32_* variables, see
# tools/board-ucaml.sh).
#   tools/riscv32-ucaml.sh [--heap SIZE] [--stack SIZE] prog.byte [ARG...]
exec sh "$(dirname "$0")/board-ucaml.sh" riscv32-qemu "$@"
