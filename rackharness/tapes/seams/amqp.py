"""The AMQP seam on tape: :class:`TapedAmqpTransport` is an :class:`AmqpTransport` whose traffic goes through the deck.

What the harness does to the broker (declare, bind, publish, ...) is a call, matched on the operation
and its arguments; each message a queue hands over is a delivery on the channel of that queue.
Replaying, ``get`` takes the next message the deck released into the queue's mailbox, and with none
there waits ``timeout`` seconds on the (virtual) clock and returns None, as a quiet queue does.
"""

from __future__ import annotations

from typing import Any

from rackharness import clock as clock_seam
from rackharness.tapes.deck import Deck
from rackharness.transports.amqp.base import AmqpTransport, BrokerRefused, Message

SEAM = "amqp"


class TapedAmqpTransport(AmqpTransport):
    """``inner`` (RabbitMQ or the memory broker; None when only replaying) behind the deck."""

    def __init__(self, deck: Deck, inner: AmqpTransport | None = None, *, channel: str = "broker") -> None:
        self.deck, self.inner, self.channel = deck, inner, channel

    def _call(self, op: str, live_call: Any, **args: Any) -> Any:
        def live() -> dict[str, Any]:
            if self.inner is None:
                raise BrokerRefused(504, "no live broker while replaying", what=op)
            try:
                return {"result": live_call()}
            except BrokerRefused as exc:
                return {"refused": {"reply_code": exc.reply_code, "reply_text": exc.reply_text, "hint": exc.hint}}

        response = self.deck.call(SEAM, self.channel, {"op": op, **args}, live)
        if "refused" in response:
            refused = response["refused"]
            raise BrokerRefused(refused["reply_code"], refused["reply_text"], what=op, hint=refused.get("hint"))
        return response.get("result")

    def ensure_exchange(
        self,
        exchange: str,
        *,
        type: str = "topic",
        durable: bool = True,  # noqa: A002
        auto_delete: bool = False,
    ) -> None:
        self._call(
            "ensure_exchange",
            lambda: self.inner.ensure_exchange(exchange, type=type, durable=durable, auto_delete=auto_delete),
            exchange=exchange,
            type=type,
            durable=durable,
            auto_delete=auto_delete,
        )

    def exchange_exists(self, exchange: str) -> bool:
        return bool(self._call("exchange_exists", lambda: self.inner.exchange_exists(exchange), exchange=exchange))

    def declare_exclusive_queue(self) -> str:
        return self._call("declare_exclusive_queue", lambda: self.inner.declare_exclusive_queue())

    def bind(self, queue: str, exchange: str, pattern: str) -> None:
        self._call(
            "bind", lambda: self.inner.bind(queue, exchange, pattern), queue=queue, exchange=exchange, pattern=pattern
        )

    def publish(self, exchange: str, routing_key: str, body: bytes) -> None:
        message = Message.from_bytes(routing_key, body, exchange)
        self._call(
            "publish",
            lambda: self.inner.publish(exchange, routing_key, body),
            exchange=exchange,
            routing_key=routing_key,
            body=message.body,
        )

    def get(self, queue: str, timeout: float) -> Message | None:
        recorded = self.deck.mailbox(SEAM, queue).take()
        if recorded is not None:
            return Message(recorded["routing_key"], recorded["body"], recorded.get("exchange", ""))
        if self.inner is None or not self.deck.reel.recording:
            clock_seam.sleep(timeout)  # a quiet queue, on the replay's clock
            return None
        message = self.inner.get(queue, timeout)
        if message is not None:
            self.deck.delivered(
                SEAM, queue, {"exchange": message.exchange, "routing_key": message.routing_key, "body": message.body}
            )
        return message

    def keep_alive(self) -> None:
        if self.inner is not None:
            self.inner.keep_alive()

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()
