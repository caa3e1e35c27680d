"""rackharness: a virtual-rack provisioning and black-box API test harness for RackHD.

A shim: all the packaging metadata (version, dependencies, extras, entry points, the bundled project
files) is in pyproject.toml. It stays for tools that still run ``python setup.py ...``; ``pip install .``
and ``pip install -e .`` read pyproject.toml.
"""

from setuptools import setup

setup()
