"""Service objects: prerequisites name the install command, configs quote secrets, no I/O."""

import os
import unittest
from pathlib import Path
from unittest import mock

from rackharness.errors import ConfigError, PrerequisiteError
from rackharness.services import SERVICES, MongoService, RabbitMqService
from rackharness.services.mongo import EXTERNAL, MONGOD, NX_27017
from rackharness.services.rabbitmq import _erlang_binary

SUDO = "" if os.geteuid() == 0 else "sudo "


def rabbit(**overrides):
    args = dict(
        host="127.0.0.1",
        port=21672,
        dist_port=21673,
        epmd_port=21674,
        user="rackhd",
        password="s3cret",
        data_dir=Path("/nonexistent/rh/rabbitmq"),
        log_dir=Path("/nonexistent/rh/logs"),
    )
    args.update(overrides)
    return RabbitMqService(**args)


class RabbitMqConfigTest(unittest.TestCase):
    def test_registry_names(self):
        self.assertEqual(set(SERVICES), {"rabbitmq", "mongo"})

    def test_missing_rabbitmq_names_the_apt_command(self):
        with self.assertRaises(PrerequisiteError) as caught:
            rabbit(scripts_dir=Path("/nonexistent/rabbitmq/bin")).check_prerequisites()
        self.assertIn(f"{SUDO}apt-get install -y rabbitmq-server", str(caught.exception))

    def test_node_name_is_stable_and_per_data_dir(self):
        self.assertEqual(rabbit().node_name, rabbit().node_name)
        self.assertNotEqual(rabbit().node_name, rabbit(data_dir=Path("/elsewhere")).node_name)
        self.assertRegex(rabbit().node_name, r"^rackharness-[0-9a-f]{10}@localhost$")

    def test_ports_are_private_settings(self):
        self.assertEqual(
            rabbit().port_settings(),
            {
                "amqp.port": ("127.0.0.1", 21672),
                "amqp.dist_port": ("127.0.0.1", 21673),
                "amqp.epmd_port": ("127.0.0.1", 21674),
            },
        )

    def test_secret_only_in_url(self):
        service = rabbit(password="p@ss/w#rd")
        self.assertEqual(service.url, "amqp://rackhd:p%40ss%2Fw%23rd@127.0.0.1:21672/%2F")
        self.assertEqual(service.redacted_url, "amqp://rackhd:***@127.0.0.1:21672/%2F")
        self.assertNotIn("p@ss", repr(service) + str(vars(service).get("password", "")))
        self.assertNotIn("p@ss", service._config_text())

    def test_erlang_binary_quotes_everything(self):
        self.assertEqual(_erlang_binary('a"b\\c'), '<<"a\\"b\\\\c"/utf8>>')


class MongoConfigTest(unittest.TestCase):
    def test_engine_choice(self):
        base = dict(port=1, data_dir=Path("/x"), log_dir=Path("/y"))
        self.assertEqual(MongoService(**base, url="mongodb://h:1/").engine, EXTERNAL)
        self.assertEqual(MongoService(**base, mongod="/opt/mongod").engine, MONGOD)
        with mock.patch("shutil.which", return_value=None):
            service = MongoService(**base)
        self.assertEqual(service.engine, NX_27017)
        self.assertTrue(service.supports_array_indexes, "the store layer corrects the array-index defect")
        self.assertEqual(service.command()[1:3], ["-m", "rackharness.services.store"])
        self.assertIn("nx-27017", " ".join(service.command()))
        with mock.patch("shutil.which", return_value=None):
            bare = MongoService(**base, layer=False)
        self.assertFalse(bare.supports_array_indexes)
        self.assertIn("nx", " ".join(bare.command()[:3]))
        self.assertNotIn("rackharness.services.store", " ".join(bare.command()))

    def test_bad_url_is_a_config_error_without_the_password(self):
        with self.assertRaises(ConfigError) as caught:
            MongoService(1, Path("/x"), Path("/y"), url="http://u:topsecret@h/")
        self.assertNotIn("topsecret", str(caught.exception))

    def test_missing_nx_names_the_pip_command(self):
        with mock.patch("shutil.which", return_value=None):
            service = MongoService(1, Path("/x"), Path("/y"))
        with mock.patch("importlib.util.find_spec", return_value=None):
            with self.assertRaises(PrerequisiteError) as caught:
                service.check_prerequisites()
        self.assertIn("pip install nx-27017==0.8.1", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
