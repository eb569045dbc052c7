#!/bin/sh
# Used by `ucaml build/run --target xtensa-qemu`: links a firmware image.
#   build-image.sh BYTECODE IMAGE [HEAP_BYTES] [STACK_WORDS] [RAM_BUDGET]
exec sh "$(dirname "$0")/../../tools/board-image.sh" xtensa-qemu "$@"
