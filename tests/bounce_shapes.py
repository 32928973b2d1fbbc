"""Delivery reports as the common mail servers write them, for the bounce tests.

Written for these tests after each server's real reports: its sender, subject, wording,
and where it puts the failed address, the status fields and the returned message.
"""

from __future__ import annotations

from tests.mailshapes import DANA, OUR_ID, our_message, plain, report, status

POSTFIX = report(
    frm="MAILER-DAEMON@mx.example.net (Mail Delivery System)",
    subject="Undelivered Mail Returned to Sender",
    prose="This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you "
    "that your message could not\nbe delivered to one or more recipients. It's attached below."
    "\n\n                   The mail system\n\n<dana@acme.com>: host mx.acme.com[192.0.2.7] said:"
    " 550 5.1.1\n    <dana@acme.com>: Recipient address rejected: User unknown (in reply to RCPT"
    " TO command)",
    statuses=(status(DANA),),
    original=our_message(),
)
EXIM = plain(
    "Mail Delivery System <Mailer-Daemon@mx.example.net>",
    "Mail delivery failed: returning message to sender",
    "This message was created automatically by mail delivery software.\n\nA message that you "
    "sent could not be delivered to one or more of its\nrecipients. This is a permanent error. "
    "The following address(es) failed:\n\n  dana@acme.com\n    host mx.acme.com [192.0.2.7]\n"
    "    SMTP error from remote mail server after RCPT TO:<dana@acme.com>:\n    550 5.1.1 User "
    "unknown\n\n------ This is a copy of the message, including all the headers. ------\n\n"
    + our_message(),
    "Auto-Submitted: auto-replied\n",
)
SENDMAIL = report(
    frm="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
    subject="Returned mail: see transcript for details",
    prose="The original message was received at Fri, 20 Nov 2026 09:30:00 -0500\nfrom "
    "[192.0.2.9]\n\n   ----- The following addresses had permanent fatal errors -----\n"
    "<dana@acme.com>\n    (reason: 550 5.1.1 <dana@acme.com>... User unknown)\n\n   ----- "
    "Transcript of session follows -----\n... while talking to mx.acme.com.:\n>>> RCPT "
    "To:<dana@acme.com>\n<<< 550 5.1.1 <dana@acme.com>... User unknown",
    statuses=(status(DANA),),
    original=our_message(),
    extra="Auto-Submitted: auto-generated (failure)\n",
)
QMAIL = plain(
    "MAILER-DAEMON@mx.example.net",
    "failure notice",
    "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver "
    "your message to the following addresses.\nThis is a permanent error; I've given up. Sorry "
    "it didn't work out.\n\n<dana@acme.com>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
    "--- Below this line is a copy of the message.\n\n" + our_message(),
)
EXCHANGE_2007 = report(
    frm="postmaster@acme.com",
    subject="Undeliverable: Thank you for today",
    prose="Delivery has failed to these recipients or groups:\n\nDana Smith (dana@acme.com)\nThe "
    "e-mail address you entered couldn't be found. Please check the recipient's e-mail address "
    "and try to resend the message.",
    statuses=(status(DANA),),
    original=our_message(),
)
OFFICE_365 = report(
    frm="Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@acme.com>",
    subject="Undeliverable: Thank you for today",
    prose="<p><b>Your message to dana@acme.com couldn't be delivered.</b></p><p>dana wasn't "
    "found at acme.com.</p><p>Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound"
    "; Recipient not found by SMTP address lookup'</p>",
    prose_type="text/html",
    statuses=(status(DANA, code="5.1.10"),),
    original=our_message().split("\n\n")[0] + "\n",
    original_type="text/rfc822-headers",
)
GMAIL = report(
    frm="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    subject="Delivery Status Notification (Failure)",
    prose="** Address not found **\n\nYour message wasn't delivered to dana@acme.com because the "
    "address couldn't be found, or is unable to receive mail.\n\nThe response from the remote "
    "server was:\n550 5.1.1 The email account that you tried to reach does not exist.",
    statuses=(status(DANA),),
    original=our_message().split("\n\n")[0] + "\n",
    original_type="text/rfc822-headers",
    extra=f"Auto-Submitted: auto-replied\nIn-Reply-To: {OUR_ID}\nReferences: {OUR_ID}\n",
)
YAHOO = plain(
    "MAILER-DAEMON@yahoo.com",
    "Failure Notice",
    "Sorry, we were unable to deliver your message to the following address.\n\n<dana@acme.com>:"
    "\nRemote host said: 550 5.1.1 <dana@acme.com>: Recipient address rejected: User unknown "
    "[RCPT_TO]\n\n--- Below this line is a copy of the message.\n\n" + our_message(),
)
SES_NOTIFICATION = plain(
    "SES bounces <no-reply@sns.amazonaws.com>",
    "AWS Notification Message",
    '{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",'
    '"bouncedRecipients":[{"emailAddress":"dana@acme.com","action":"failed","status":"5.1.1"}],'
    '"reportingMTA":"dns; a1-2.smtp-out.amazonses.com"},"mail":{"source":"alex@example.com",'
    '"destination":["dana@acme.com"]}}',
)
SES_DSN = report(
    frm="MAILER-DAEMON@amazonses.com",
    subject="Delivery Status Notification (Failure)",
    prose="An error occurred while trying to deliver the mail to the following recipients:\n"
    "dana@acme.com",
    statuses=(status(DANA),),
    original=our_message(),
)
DOMINO = plain(
    "Postmaster@acme.com",
    "DELIVERY FAILURE: User Dana Smith (dana@acme.com) not listed in Domino Directory",
    "Your message\n\n  Subject: Thank you for today\n\nwas not delivered to:\n\n  dana@acme.com"
    "\n\nbecause:\n\n  User Dana Smith (dana@acme.com) not listed in Domino Directory\n",
)
NULL_SENDER = plain(
    "<>",
    "failure notice",
    "This message was sent automatically by the mail filter.\nDelivery to the following address "
    "failed:\ndana@acme.com\n\n-------original mail info\n" + our_message(),
)
PHONE_GATEWAY = plain(
    "post_master@mms.example.net",
    "Re:Thank you for today",
    "Error: Invalid user address\n\nError message below:\n550 - Requested action not taken: no "
    "such user here\n\nMessage details:\n  Subject: Thank you for today\n  RCPT TO: dana@acme.com",
)
GERMAN_EXCHANGE = report(
    frm="postmaster@acme.com",
    subject="Unzustellbar: Thank you for today",
    prose="Die Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen:\n\n"
    "dana@acme.com\nDie eingegebene E-Mail-Adresse wurde nicht gefunden.",
    statuses=(status(DANA),),
    original=our_message(),
)
FRENCH = plain(
    "Mailer-Daemon@orange.example",
    "Non remis : Thank you for today",
    "Votre message n'a pas pu être remis à dana@acme.com.\n",
)
NO_REPORT_TYPE = report(
    frm="Mail Delivery System <Mail.Delivery.System@mx.example.net>",
    subject="Delivery status notification",
    prose="Your message could not be delivered to dana@acme.com.",
    statuses=(status(DANA, action="failure"),),
    original=our_message(),
    report_type="",
)
EXPIRED = report(
    frm="postmaster@mx.example.net",
    subject="Delivery report",
    prose="Delivery to dana@acme.com expired.",
    statuses=(status(DANA, action="expired", code="4.4.7"),),
)


DELAYS = [
    report(
        frm="MAILER-DAEMON@mx.example.net (Mail Delivery System)",
        subject="Delayed Mail (still being retried)",
        prose="This is the mail system at host mx.example.net.\n\n####################\n# THIS "
        "IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################",
        statuses=(status(DANA, "delayed", "4.4.1"),),
        original=our_message().split("\n\n")[0] + "\n",
        original_type="text/rfc822-headers",
    ),
    plain(
        "Mail Delivery System <Mailer-Daemon@mx.example.net>",
        "Warning: message 1kABCD-0003xy-9Z delayed 24 hours",
        "This message was created automatically by mail delivery software.\nA message that you "
        "sent has not yet been delivered to one or more of its\nrecipients after more than 24 "
        "hours on the queue on mx.example.net.\n\n  dana@acme.com\n    Connection timed out\n\n"
        "No action is required on your part. Delivery attempts will continue for some time.",
        "Auto-Submitted: auto-replied\nX-Failed-Recipients: \n",
    ),
    report(
        frm="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        subject="Warning: could not send message for past 4 hours",
        prose="    **********************************************\n    **      THIS IS A "
        "WARNING MESSAGE ONLY      **\n    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n",
        statuses=(status(DANA, "delayed", "4.4.7"),),
        extra="Auto-Submitted: auto-generated (warning-timeout)\n",
    ),
    plain(
        "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        "Delivery Status Notification (Delay)",
        "This is an automatically generated Delivery Status Notification\n\nTHIS IS A WARNING "
        "MESSAGE ONLY.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\nDelivery to the following "
        "recipient has been delayed:\n\n     dana@acme.com\n\nMessage will be retried for 2 "
        "more day(s)",
        "Auto-Submitted: auto-replied\n",
    ),
    report(
        frm="postmaster@acme.onmicrosoft.com",
        subject="Delivery delayed: Thank you for today",
        prose="Delivery is delayed to these recipients or groups:\n\ndana@acme.com\n\nThis message"
        " hasn't been delivered yet. Delivery will continue to be attempted.",
        statuses=(status(DANA, "delayed", "4.4.7"),),
    ),
    plain(
        "<>",
        "Mail Delivery Warning",
        "This is an advisory-only email.\nDelivery of email to dana@acme.com has been postponed "
        "due to a full mailbox.\nWe will continue to try to deliver your message.",
    ),
    plain(
        "SES <no-reply@sns.amazonaws.com>",
        "AWS Notification Message",
        '{"notificationType":"Bounce","bounce":{"bounceType":"Transient","bouncedRecipients":'
        '[{"emailAddress":"dana@acme.com"}]}}',
    ),
]
