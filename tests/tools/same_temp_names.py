"""Replaces the random part of ocamlcp's and ocamloptp's temporary source
names (/tmp/ocamlppXXXXXX) in every file under a directory, or in one file:
the same length, so nothing else moves."""
import os
import re
import sys


def normalise(path):
    with open(path, 'rb') as f:
        data = f.read()
    new = re.sub(rb'ocamlpp[0-9a-zA-Z]{6}', b'ocamlppXXXXXX', data)
    if new != data:
        with open(path, 'wb') as f:
            f.write(new)


target = sys.argv[1]
if os.path.isdir(target):
    for top, _, files in os.walk(target):
        for name in files:
            normalise(os.path.join(top, name))
else:
    normalise(target)
