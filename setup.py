"""rackharness: a virtual-rack provisioning and black-box API test harness for RackHD."""
from setuptools import find_packages, setup

setup(
    name="rackharness",
    version="0.1.0",
    description="Virtual-rack provisioning and black-box API test harness for RackHD",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=find_packages(include=["rackharness", "rackharness.*"]),
    include_package_data=True,
    package_data={"rackharness.reference.workflows": ["library.json"],
                  "rackharness.vm": ["microkernel_init.sh", "microkernel_ohai.sh"]},
    install_requires=[
        "cryptography>=41",
        "PyYAML>=6",
        "pika>=1.3",
        "pymongo>=4.6",
        "pyghmi==1.6.19",
        # the RackHD reference target
        "Flask>=3.0",
        "jsonschema>=4.18",
        "waitress>=3.0",
        "requests>=2.31",
        "PyJWT>=2.8",  # the target's RackHD tokens (HS256)
    ],
    extras_require={
        # The embedded Mongo-wire store, used when no mongod is on PATH and no --mongo-url is given.
        "embedded-mongo": ["nx-27017==0.8.1"],
        # Isolated mode: Mongo in memory (mongomock:// URLs, rackharness.transports.mongo.mongomock_side).
        "isolated": ["mongomock==4.3.0"],
        # `up --provider vagrant`: vagrant driven from Python (rackharness.vm.vagrant_rack)
        "vagrant": ["python-vagrant==1.0.0"],
        # on-http-api2-0: RackHD's own generated API client, used by the tests as an independent checker;
        # mongomock: the Mongo contract tests and the unit tests' in-memory database
        "test": ["nose2>=0.14", "proboscis==1.2.6.0", "on-http-api2-0==1.0.12", "on-http-redfish-1-0==1.0.9",
                 "schemathesis>=4", "mongomock==4.3.0"],
    },
    entry_points={"console_scripts": ["rackharness = rackharness.cli.main:main"]},
)
