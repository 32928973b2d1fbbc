"""Recognise delivery reports: a bounce (final failure) or a delay warning, and whom it names.

A message is a delivery report when its headers say so (a mailer-daemon or
postmaster sender, an empty sender, a multipart/report, a delivery-failure
subject in one of the common servers' wordings and languages), or when its
body is one (a message/delivery-status part, the opening of a known server's
plain-text notice, Amazon SES's JSON notification). A subject alone is not
enough once the body is read: a person may write "delivery report" too.

Final or not: the delivery-status fields decide (Action failed/failure/expired,
or a 5.x.x Status, for any recipient: final; only delayed, delivered, relayed
or expanded: not final); without fields, the text decides (a warning that the
server keeps trying is not final), then the subject ("(Delay)").

The failed recipients: those of the failed status blocks and X-Failed-Recipients;
else the addresses the notice's own text names (not the sender's, ours, the
postmaster's, nor message ids); and in both cases the sole recipient of the
returned copy of the message when the copy names exactly one. The returned
copy also gives back our key header and its Message-ID (`returned`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from email.utils import getaddresses

from followup_mailer.mailbox.mailparts import Parts
from followup_mailer.model import KEY_HEADER

FAILED_ACTIONS = frozenset({"failed", "failure", "expired", "error", "undeliverable"})
SES_SENDER = "no-reply@sns.amazonaws.com"
_DAEMON = re.compile(
    r"^(?:mailer[-_.]?daemon|mail[-_.]?daemon|mdaemon|post[-_.]?master|poostmaster"
    r"|mail[-_.]?delivery[-_.]?(?:system|subsystem|service)|microsoftexchange[0-9a-f]{0,40}"
    r"|mailadm|mail[-_.]?administrator|e500_smtp_mail_service"
    # a mailing list's machinery (Mailman, fml, majordomo): never a person writing
    r"|.+-(?:owner|bounces)|owner-.+)$",
    re.IGNORECASE,
)
# a list manager's other addresses: a machine's unless the message answers a thread
_LIST_MANAGER = re.compile(r"^.+-(?:admin|request)$", re.IGNORECASE)
_DAEMON_NAME = re.compile(
    r"^\W*(?:mail(?:er)? delivery (?:sub)?system|mail(?:er)? ?daemon|mail delivery service"
    r"|internet mail delivery|system administrator|\S*ndr administrator)\W*$",
    re.IGNORECASE,
)
_THREAD_PREFIX = re.compile(
    r"^\s*(?:re|fwd?|aw|wg|tr|sv|vs|antw|rif|r|enc|rv)\s*(?:\[\d+\])?:", re.I
)
_FAILURE_SUBJECT = re.compile(
    r"undeliver|undelivered|not (?:been )?delivered|could ?n[o']t be delivered|delivery failure"
    r"|delivery (?:status|report|notification|problem|has failed|failed)|returned mail"
    r"|mail delivery|failure notice|failure delivery|failed (?:mail|delivery)|mail failed"
    r"|mail failure|non[- ]?deliver|nondeliverable|mail system error|postmaster notify"
    r"|bounce notification|mail (?:error|not delivered)|error sending your mail"
    r"|returning message to sender|message you sent blocked|delivery failure|returned to sender"
    r"|^warning: .* user unknown|non remis|non recapitabile|unzustellbar|nicht zugestellt"
    r"|onbestelbaar|niet (?:bezorgd|afgeleverd)|no entregado|no se (?:ha )?podido entregar"
    r"|não (?:entregue|foi possível entregar)|olevererbar|kan ikke (?:leveres|levere)"
    r"|nedoručiteln|nie dostarczon|niedostarcz|недостав|не доставлен|配信できません|メールエラー"
    r"|配信不能|未送達|退信|投递失败|投遞失敗|无法投递|無法傳遞|전달되지 않",
    re.IGNORECASE,
)
_DELAY_SUBJECT = re.compile(
    r"\bdelay(?:ed)?\b|still being retried|delivery (?:status notification: )?warning"
    r"|could not send (?:message|mail) for past|not yet been delivered|verzögert|retardé|retrasad",
    re.IGNORECASE,
)
# how known servers open a plain-text failure notice: no person writes these
_SERVER_OPENING = re.compile(
    r"this is the (?:mail system|qmail-send program|mailer-daemon)|mail delivery software"
    r"|automatically generated delivery status notification|transcript of session follows"
    r"|i'm afraid i wasn't able to deliver|delivery to the following recipients? failed"
    r"|your message did not reach some or all|delivery has failed to these recipients"
    r"|following addresses had (?:permanent )?fatal errors|unable to deliver your message"
    r"|message could not be delivered to|could not be delivered to the following"
    r"|your message wasn't delivered|message not delivered|mail delivery (?:failed|system)"
    r"|the original message was received at|this is an automated message created by mail",
    re.IGNORECASE,
)
_FAILURE_TEXT = re.compile(
    r"could ?n[o']t be delivered|was ?n[o']t delivered|not (?:be )?delivered|undeliverable"
    r"|failed permanently|permanent (?:error|failure|fatal)|fatal error|user unknown"
    r"|unknown user|no such user|mailbox (?:unavailable|full|not found|is full|is inactive)"
    r"|does ?n[o']t exist|address rejected|host unknown|unable to deliver|delivery (?:has )?failed"
    r"|\b55\d\b|\b5\.\d{1,3}\.\d{1,3}\b|over ?quota|quota exceeded|invalid (?:recipient|address)",
    re.IGNORECASE,
)
_DELAY_TEXT = re.compile(
    r"warning message only|warning only|do not need to re-?send|need not (?:be )?re-?sen[dt]"
    r"|will (?:continue to )?(?:be )?retr(?:y|ied)|continue to (?:try|attempt)"
    r"|still being retried|keep trying|not yet been delivered|has ?n[o']t been delivered yet"
    r"|has been delayed|delivery (?:is |was )?delayed|temporary failure report"
    r"|delivery attempts will continue|message will be retried|advisory-only|has been postponed"
    r"|is delayed for|just a warning",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_ADDRESS_PREFIX = re.compile(r"^(?:'+|(?:smtp|rfc822)[=:;])", re.IGNORECASE)
# field lines whose addresses are not recipients (message ids, hosts, the sender)
_NOT_RECIPIENT_LINE = re.compile(
    r"^\s*(?:message-id|in-reply-to|references|received|reporting-mta|x-postfix|arrival-date"
    r"|return-path|from|sender|reply-to|mail from|envelope-from|x-original-message-id"
    r"|original-envelope-id|x-ms-exchange|dsn|id)\b.*$",
    re.IGNORECASE | re.MULTILINE,
)
# the original's header lines a notice repeats ("  To: jobs@acme.com"): not the failure
_ORIGINAL_FIELD_LINE = re.compile(
    r"^\s*(?:to|cc|bcc|subject|sent|date)\s*:.*$", re.IGNORECASE | re.MULTILINE
)
_KEY_LINE = re.compile(rf"^[ \t>]*{KEY_HEADER}:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
_ID_LINE = re.compile(r"^[ \t>]*message-id:[ \t]*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
_MSGID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
_SES_TYPE = re.compile(r'"notificationType"\s*:\s*"(\w+)"')
_SES_PERMANENT = re.compile(r'"bounceType"\s*:\s*"Permanent"', re.IGNORECASE)
_SES_RECIPIENT = re.compile(r'"emailAddress"\s*:\s*"([^"]+)"')


@dataclass(frozen=True, slots=True)
class Report:
    """A delivery report: final (a bounce) or not (a delay warning, a delivered notice)."""

    final: bool
    failed: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()


def daemon_sender(headers: Mapping[str, str]) -> bool:
    """Tell whether From is a mail system: mailer-daemon, postmaster, an empty address, ..."""
    if "from" not in headers:
        return False
    pairs = getaddresses([headers["from"]])
    name, address = pairs[0] if pairs else ("", "")
    local = address.partition("@")[0]
    if not address or address == SES_SENDER:
        return True
    if _LIST_MANAGER.match(local):
        return not _THREAD_PREFIX.match(headers.get("subject", ""))
    return bool(_DAEMON.match(local) or _DAEMON_NAME.match(name))


def failure_subject(subject: str) -> bool:
    """Tell whether a subject is a delivery notice's (not a person's reply about one)."""
    return not _THREAD_PREFIX.match(subject) and bool(_FAILURE_SUBJECT.search(subject))


def report_type(headers: Mapping[str, str]) -> str:
    """Return "delivery-status" for a delivery report's Content-Type, "other" for another
    multipart/report, "" for anything else."""
    value = headers.get("content-type", "").lower()
    if not value.startswith("multipart/report"):
        return ""
    kind = re.search(r"report-type\s*=\s*\"?([\w-]+)", value)
    return "other" if kind and kind.group(1) != "delivery-status" else "delivery-status"


def may_be_report(headers: Mapping[str, str]) -> bool:
    """Tell from the headers alone whether a message may be a delivery report."""
    subject = headers.get("subject", "")
    return (
        daemon_sender(headers)
        or failure_subject(subject)
        or report_type(headers) == "delivery-status"
        or bool(headers.get("x-failed-recipients"))
    )


def read_report(
    headers: Mapping[str, str], parts: Parts | None, *, own: Collection[str]
) -> Report | None:
    """Return the delivery report a message is, or None when it is none."""
    subject = headers.get("subject", "")
    listed = _addresses([headers.get("x-failed-recipients", "")])
    if parts is None:  # headers only: as much as they tell
        if not may_be_report(headers):
            return None
        return Report(final=not _DELAY_SUBJECT.search(subject), failed=_unique(listed))
    if (ses := _ses_notification(parts.prose)) is not None:
        return ses
    if not _is_report(headers, parts):
        return None
    returned = _returned(headers, parts)
    failed_blocks = [b for b in parts.status if _failed(b)]
    if parts.status and not failed_blocks and not listed:
        return Report(final=False, returned=returned)  # delayed, delivered, relayed
    if (
        not failed_blocks
        and not listed
        and (_DELAY_TEXT.search(parts.prose) or _DELAY_SUBJECT.search(subject))
    ):
        return Report(final=False, returned=returned)
    named = [a for b in failed_blocks for a in _block_addresses(b)] + list(listed)
    failed = named or _named_in_text(headers, parts, own)
    return Report(final=True, failed=_unique(failed + _sole_recipient(parts)), returned=returned)


def _is_report(headers: Mapping[str, str], parts: Parts) -> bool:
    """Tell whether a read message is a delivery report (see the module docstring)."""
    if parts.has_report or report_type(headers) == "delivery-status" or daemon_sender(headers):
        return True
    opening = parts.prose.lstrip()[:1500]
    if _SERVER_OPENING.search(opening) and not _quotes_a_thread(parts.prose):
        return True
    # a notice's structure (status fields, a returned message), not only its words
    evidence = bool(parts.status or parts.original) and bool(_FAILURE_TEXT.search(opening))
    if headers.get("return-path", "").strip() == "<>" and evidence:
        return True  # sent from the null address, returning a message, saying it failed
    return failure_subject(headers.get("subject", "")) and evidence


def _failed(block: Mapping[str, str]) -> bool:
    action = block.get("action", "").strip().lower().split(" ")[0].rstrip(";")
    if action:
        return action in FAILED_ACTIONS
    return block.get("status", "").strip().startswith("5")


def _block_addresses(block: Mapping[str, str]) -> list[str]:
    """Return the recipient addresses of one status block (address type prefix removed)."""
    values = [block.get(name, "") for name in ("original-recipient", "final-recipient")]
    return [a for v in values for a in _addresses([v.rpartition(";")[2]])]


def _named_in_text(headers: Mapping[str, str], parts: Parts, own: Collection[str]) -> list[str]:
    """Return the addresses a notice's own words name, leaving out who cannot have failed:
    first those outside the original's To/Cc lines it may repeat, else those."""
    text = _NOT_RECIPIENT_LINE.sub(" ", parts.prose)
    original = parts.original
    not_failed = {a.lower() for a in own} | set(
        _addresses(
            [headers.get(n, "") for n in ("from", "to", "sender", "return-path", "reply-to")]
            + [original.get(n, "") for n in ("from", "sender", "return-path", "reply-to")]
        )
    )
    not_failed |= {i.strip("<>").lower() for i in _MSGID.findall(headers.get("message-id", ""))}
    named = _candidates(_ORIGINAL_FIELD_LINE.sub(" ", text), not_failed) or _candidates(
        text, not_failed
    )
    # a notice that names more than its returned message's recipients: keep those
    recipients = _addresses([original.get("to", ""), original.get("cc", "")])
    return [a for a in named if a in recipients] or named


def _candidates(text: str, not_failed: set[str]) -> list[str]:
    found = [_ADDRESS_PREFIX.sub("", a.lower()).strip(".") for a in _ADDRESS.findall(text)]
    return [
        a
        for a in dict.fromkeys(found)
        if a not in not_failed and not _DAEMON.match(a.partition("@")[0])
    ]


def _sole_recipient(parts: Parts) -> list[str]:
    """Return the recipient of the returned copy when it had exactly one."""
    original = parts.original
    recipients = _addresses([original.get("to", ""), original.get("cc", "")])
    return recipients if len(recipients) == 1 else []


def _returned(headers: Mapping[str, str], parts: Parts) -> tuple[str, ...]:
    """Return our key header and the Message-ID of the returned copy (and the one a report
    answers, from its In-Reply-To)."""
    original = parts.original
    keys = [original.get(KEY_HEADER.lower(), "").strip()]
    keys += _KEY_LINE.findall(parts.quoted) + _KEY_LINE.findall(parts.prose)
    ids = _MSGID.findall(original.get("message-id", "")) or _ID_LINE.findall(
        parts.quoted or parts.prose
    )
    ids += _MSGID.findall(headers.get("in-reply-to", ""))
    return _unique(value for value in keys + ids if value)


def _ses_notification(text: str) -> Report | None:
    """Read an Amazon SES notification (JSON sent through SNS), None when it is none."""
    kind = _SES_TYPE.search(text)
    if kind is None:
        return None
    if kind.group(1).lower() != "bounce" or not _SES_PERMANENT.search(text):
        return Report(final=False)  # a delivery, a complaint or a transient bounce
    listed = text[text.find('"bouncedRecipients"') :]
    recipients = _SES_RECIPIENT.findall(listed[: listed.find("]") + 1])
    return Report(final=True, failed=_unique(_addresses(recipients)))


def _quotes_a_thread(text: str) -> bool:
    """Tell whether a text quotes an earlier message, as a person's reply does."""
    return bool(
        re.search(r"^>|^on .{5,120} wrote:\s*$|-----original message-----", text, re.I | re.M)
    )


def _addresses(values: Iterable[str]) -> list[str]:
    return [a.lower() for _, a in getaddresses(list(values)) if "@" in a[1:]]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
