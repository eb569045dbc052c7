#!/bin/sh
# Runs a bytecode executable on the emulated Xtensa board, like
# `ucaml prog.byte ARG...` (settings: XTENSA_* variables, see
# tools/board-ucaml.sh).
#   tools/xtensa-ucaml.sh [--heap SIZE] [--stack SIZE] prog.byte [ARG...]
exec sh "$(dirname "$0")/board-ucaml.sh" xtensa-qemu "$@"
