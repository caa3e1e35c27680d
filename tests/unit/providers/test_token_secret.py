"""The reference target's token secret: one random secret per stack (or per isolated process), kept 0600,
never shown; tokens verify across the stack's target processes, and PyJWT has nothing to warn about."""

import base64
import json
import logging
import os
import stat
import tempfile
import unittest
import warnings
from pathlib import Path

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from rackharness import secret_channel
from rackharness.cli.status import build_report
from rackharness.config import load_config
from rackharness.providers import token_secret
from rackharness.providers.isolated import IsolatedStack
from rackharness.providers.local import LocalProvider
from rackharness.reference.auth.tokens import TokenSigner
from rackharness.reference.server import auth_service
from rackharness.state import RackState, StateStore
from rackharness.transports.mongo.chooser import connect

KEY = token_secret.KEY


class TokenSecretTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.state_dir = Path(tmp.name) / "state"

    def provider(self, **env):
        config = load_config(environ={f"RACKHARNESS_{k}": v for k, v in env.items()})
        return LocalProvider(config, StateStore(self.state_dir), say=lambda _: None)

    def target_settings(self, provider):
        (target,) = [s for s in provider.services() if s.NAME == "target"]
        return target.settings

    def test_a_stack_gets_a_random_32_byte_secret_that_reaches_the_target_on_stdin_only(self):
        provider = self.provider(NODES="1")
        secret = provider.config[KEY]
        self.assertNotEqual(secret, "RackHDRocks!")
        self.assertEqual(len(base64.b64decode(secret)), 32)
        self.assertTrue(provider.config.source(KEY).startswith("generated for this stack"))
        settings = self.target_settings(provider)
        self.assertEqual(settings["auth_token_secret"], secret)
        public, secrets = secret_channel.split(settings)  # target.json holds this; stdin the rest
        self.assertNotIn(secret, json.dumps(public))
        self.assertIn(secret, json.dumps(secrets))
        self.assertNotEqual(self.provider(NODES="1").config[KEY], secret, "nothing kept yet: another secret")

    def test_kept_0600_in_the_state_dir_so_every_process_of_the_stack_signs_alike(self):
        first = self.provider()
        self.state_dir.mkdir(parents=True)
        token_secret.keep(first.config, self.state_dir)
        path = self.state_dir / token_secret.FILE_NAME
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
        later = self.provider()  # a later `up`, `status`, a restarted target
        self.assertEqual(later.config[KEY], first.config[KEY])
        token = TokenSigner(first.config[KEY]).sign({"user": "admin"})
        self.assertEqual(TokenSigner(self.target_settings(later)["auth_token_secret"]).verify(token)["user"], "admin")

    def test_a_set_secret_or_a_rackhd_under_test_keeps_its_own(self):
        self.assertEqual(
            self.provider(TARGET_AUTH_TOKEN_SECRET="mine-and-long-enough").config[KEY], "mine-and-long-enough"
        )
        rackhd = self.provider(TARGET_URL="http://rackhd:8080", AMQP_URL="amqp://h/", MONGO_URL="mongodb://h/")
        self.assertEqual(rackhd.config[KEY], "RackHDRocks!")  # RackHD's own default authTokenSecret
        self.assertEqual(self.provider(SERVICES_ONLY="true").config.source(KEY), "default")
        token_secret.keep(rackhd.config, self.state_dir)
        self.assertFalse((self.state_dir / token_secret.FILE_NAME).exists())

    def test_an_isolated_rack_gets_one_per_process(self):
        config = load_config(environ={})
        one, two = IsolatedStack(config), IsolatedStack(config)
        self.assertNotEqual(one.config[KEY], two.config[KEY])
        self.assertEqual(len(base64.b64decode(one.config[KEY])), 32)
        self.assertEqual(config[KEY], "RackHDRocks!", "the caller's config is left as it was")

    def test_the_target_issues_and_verifies_tokens_without_a_pyjwt_warning(self):
        provider = self.provider()
        settings = {**self.target_settings(provider), "auth_user": "admin", "auth_password": "admin-pw"}
        db = connect(f"mongomock://token-secret-{os.getpid()}", "pxe", ping=False)
        with warnings.catch_warnings(record=True) as seen, self.assertLogs("rackharness", logging.DEBUG) as logs:
            warnings.simplefilter("always")  # ahead of any filter installed earlier in this process
            logging.getLogger("rackharness.reference").debug("start")  # assertLogs needs one record
            service = auth_service(db, settings)
            warnings.simplefilter("always")  # again: ahead of an "ignore" a signer with a short key would add
            token = service.login("admin", "admin-pw")
            self.assertEqual(service.signer.verify(token)["user"], "admin")
        self.assertEqual([w for w in seen if issubclass(w.category, InsecureKeyLengthWarning)], [])
        self.assertNotIn(settings["auth_token_secret"], "\n".join(logs.output))
        self.assertNotIn(settings["auth_token_secret"], repr(service.signer))
        with warnings.catch_warnings(record=True) as seen:  # the check sees the warning it looks for
            warnings.simplefilter("always")
            jwt.encode({"user": "admin"}, b"RackHDRocks", algorithm="HS256")
        self.assertTrue(any(issubclass(w.category, InsecureKeyLengthWarning) for w in seen))

    def test_status_never_shows_it_even_with_show_secrets(self):
        provider = self.provider()
        self.state_dir.mkdir(parents=True)
        token_secret.keep(provider.config, self.state_dir)
        provider.config.save(self.state_dir / "config.json")
        StateStore(self.state_dir).save(RackState(provider="local", status="up"))
        config = load_config(environ={"RACKHARNESS_STATE_DIR": str(self.state_dir)})
        report = json.dumps(build_report(config, show_secrets=True))
        self.assertNotIn(provider.config[KEY], report)
