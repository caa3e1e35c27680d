"""Sample suite: proboscis ordering of unittest.TestCase classes and a plain test nose2 finds itself."""

import os
import unittest

from rackharness.suite.decorators import test


def ran(name):
    with open(os.environ["SAMPLE_LOG"], "a", encoding="utf-8") as log:
        log.write(name + "\n")


@test(groups=["later"], depends_on_groups=["earlier"])
class LaterCase(unittest.TestCase):
    def test_later(self):
        ran("later")


@test(groups=["earlier"])
class EarlierCase(unittest.TestCase):
    def test_earlier(self):
        ran("earlier")
        if os.environ.get("SAMPLE_FAIL") == "earlier":
            self.fail("earlier fails on purpose")


class PlainCase(unittest.TestCase):
    def test_plain(self):
        ran("plain")
