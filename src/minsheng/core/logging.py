"""Structured logs: one JSON object per line, carrying the request id of the request being served."""

import json
import logging
from datetime import UTC, datetime

from minsheng.core import context


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ctx = context.current()
        record.request_id = ctx.request_id
        record.address = ctx.address
        record.user_id = ctx.user_id
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        if getattr(record, "user_id", None):
            entry["user_id"] = record.user_id
        if getattr(record, "address", ""):
            entry["address"] = record.address
        if getattr(record, "audit_checkpoint", None):
            # A signed checkpoint of the audit chain: `audit verify --checkpoints LOG` reads it back from the log.
            entry["audit_checkpoint"] = record.audit_checkpoint
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
