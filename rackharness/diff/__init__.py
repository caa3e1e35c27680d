"""Differential testing: two systems' answers to the same requests, side by side (``rackharness diff``).

:mod:`.exchanges` reads a system's answers (a tape set, or a capture file); :mod:`.shapes` says what
of an answer is compared (status, the headers clients rely on, the JSON body's shape and its values
that are not run-specific); :mod:`.compare` pairs the two sides' requests and lists the differences;
:mod:`.report` prints them and writes the JSON report.
"""
