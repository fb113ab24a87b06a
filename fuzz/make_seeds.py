#!/usr/bin/env python3
"""make_seeds.py - writes the structure-aware seeds of fuzz/corpus/{mime,name,imap,dav_xml}.

The seeds are committed; this script says how the long and deep ones were
made (nesting, folding, literal lengths) so that they can be made again or
made larger. Run from anywhere: python3 fuzz/make_seeds.py. Every person
and domain is made up (.example).

    python3 fuzz/make_seeds.py                 # the committed seeds
    python3 fuzz/make_seeds.py --groups 45000 OUT.eml
                                               # the deep group nesting of
                                               # issue #16 (90 KB Cc)
"""
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = os.path.join(ROOT, target, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def fold(name, body, width):
    """NAME: BODY cut into lines of about WIDTH characters, each continued
    with a leading space (RFC 5322 folding, even inside a token)."""
    line = name + ": " + body
    out = [line[:width]]
    rest = line[width:]
    while rest:
        out.append(" " + rest[: width - 1])
        rest = rest[width - 1 :]
    return "\r\n".join(out) + "\r\n"


HEAD = (
    "From: Pat Lee <pat.lee@globex.example>\r\n"
    "To: sam@ourco.example\r\n"
    "Date: Tue, 3 Mar 2026 10:00:00 -0500\r\n"
    "MIME-Version: 1.0\r\n"
)


def group_nesting(depth, width):
    """A Cc of DEPTH unclosed groups 'a:' folded into WIDTH-character lines."""
    return (
        HEAD
        + "Subject: nested groups\r\nMessage-ID: <groups-%d@globex.example>\r\n" % depth
        + fold("Cc", "a:" * depth, width)
        + "\r\nbody\r\n"
    )


# ---- mime ----


def mime_seeds():
    write("mime", "group-nest-200-folded.eml", group_nesting(200, 90))
    write("mime", "group-nest-200-line.eml", group_nesting(200, 1000))
    # Groups opened and closed, empty, and with routes and comments.
    write(
        "mime",
        "group-closed.eml",
        HEAD.replace("To: sam@ourco.example\r\n", "")
        + fold("To", "a:" * 100 + "b@x.example" + ";" * 100, 70)
        + fold("Cc", "t:;," * 50 + "Team (the team): <@relay.example:c@x.example>, \"q;:\" <d@x.example>;", 70)
        + "Bcc: undisclosed-recipients:;\r\n"
        + "Subject: groups\r\n\r\nbody\r\n",
    )
    # Long folded headers: a subject of 300 lines, a To of 300 addresses.
    to = ", ".join('"Person %d, Team" <p%d@x.example>' % (i, i) for i in range(150))
    write(
        "mime",
        "long-folded.eml",
        "From: Pat Lee <pat.lee@globex.example>\r\n"
        + fold("To", to, 78)
        + fold("Subject", "word " * 1000, 20)
        + "Date: Tue, 3 Mar 2026 10:00:00 -0500\r\n\r\nbody\r\n",
    )
    # Nested multiparts, 100 deep, a text part at the bottom.
    parts = HEAD + "Subject: deep multipart\r\n"
    closes = ""
    for i in range(100):
        parts += 'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        closes = "\r\n--b%d--\r\n" % i + closes
    parts += "Content-Type: text/plain\r\n\r\nHello from the bottom.\r\n-- \r\nPat Lee\r\nCTO\r\n"
    write("mime", "multipart-nest-100.eml", parts + closes)
    # message/rfc822 inside message/rfc822, 30 deep.
    msg = "From: deepest@x.example\r\nSubject: innermost\r\n\r\nthe text\r\n"
    for i in range(30):
        msg = (
            "From: fwd%d@x.example\r\nTo: next%d@x.example\r\nSubject: Fwd: %d\r\n"
            "Content-Type: message/rfc822\r\n\r\n" % (i, i, i)
        ) + msg
    write("mime", "rfc822-nest-30.eml", msg)
    # message/rfc822 as a part of a multipart, twice over.
    inner = (
        "From: Ann <ann@initech.example>\r\nTo: pat.lee@globex.example\r\n"
        "Subject: inner\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n"
        "--in\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--in\r\n"
        "Content-Type: message/rfc822\r\n\r\nFrom: x@y.example\r\nSubject: deepest\r\n\r\nhi\r\n--in--\r\n"
    )
    write(
        "mime",
        "rfc822-in-multipart.eml",
        HEAD + "Subject: Fwd: inner\r\nContent-Type: multipart/mixed; boundary=out\r\n\r\n"
        "--out\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
        "--out\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n"
        + inner
        + "--out--\r\n",
    )
    # A bounce: multipart/report with delivery-status and the returned header.
    write(
        "mime",
        "report-delivery-status.eml",
        "Return-Path: <>\r\n"
        "From: Mail Delivery System <MAILER-DAEMON@mx.ourco.example>\r\n"
        "To: sam@ourco.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Date: Tue, 3 Mar 2026 10:00:05 +0000\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "Authentication-Results: mx.ourco.example; dmarc=fail (p=reject) header.from=globex.example;"
        " spf=fail smtp.mailfrom=globex.example; dkim=none\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="dsn.1"\r\n\r\n'
        "--dsn.1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
        "--dsn.1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.ourco.example\r\nArrival-Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\n"
        "Final-Recipient: rfc822; nobody@globex.example\r\nOriginal-Recipient: rfc822;nobody@globex.example\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <nobody@globex.example>: "
        "Recipient address rejected\r\n\r\n"
        "--dsn.1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "From: sam@ourco.example\r\nTo: nobody@globex.example\r\nSubject: pricing\r\n"
        "Message-ID: <orig-1@ourco.example>\r\n\r\n"
        "--dsn.1--\r\n",
    )
    # A read receipt: multipart/report with disposition-notification.
    write(
        "mime",
        "report-mdn.eml",
        HEAD
        + "Subject: Read: pricing\r\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"\r\n\r\n'
        "--mdn\r\nContent-Type: text/plain\r\n\r\nYour message was read.\r\n"
        "--mdn\r\nContent-Type: message/disposition-notification\r\n\r\n"
        "Reporting-UA: mail.globex.example\r\nFinal-Recipient: rfc822;pat.lee@globex.example\r\n"
        "Original-Message-ID: <orig-1@ourco.example>\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n"
        "--mdn--\r\n",
    )
    # Many headers, many of them ones kith reads more than once.
    many = "".join("Received: from h%d.example by mx.example; Tue, 3 Mar 2026 10:00:%02d +0000\r\n"
                   % (i, i % 60) for i in range(80))
    many += "".join("X-Header-%d: value %d\r\n" % (i, i) for i in range(150))
    many += "".join("Cc: c%d@x.example\r\n" % i for i in range(40))
    many += "".join("From: f%d@x.example\r\n" % i for i in range(10))
    write("mime", "many-headers.eml", many + "Subject: many\r\n\r\nbody\r\n")
    # One huge header line, unfolded: a To of 250 addresses and a long subject.
    write(
        "mime",
        "huge-line.eml",
        "From: Pat Lee <pat.lee@globex.example>\r\nTo: "
        + ",".join("u%d@x.example" % i for i in range(250))
        + "\r\nSubject: "
        + "x" * 6000
        + "\r\n\r\nbody\r\n",
    )
    # Encoded words in every address field, some broken.
    ew = "=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?="
    write(
        "mime",
        "encoded-words.eml",
        "From: %s <juergen@bücher.example>\r\n" % ew
        + "Sender: =?iso-8859-1?Q?Caf=E9_Team?= <cafe@x.example>\r\n"
        + "Reply-To: =?utf-8?q?O=27Brien=2C_Mary-Kate?= <mk@x.example>\r\n"
        + "To: =?UTF-8?B?5p2O5bCP6b6Z?= <li@x.example>, =?utf-8?Q?a?= =?utf-8?Q?b?= <ab@x.example>\r\n"
        + "Cc: =?UTF-8?B?broken <c@x.example>, =?unknown?Q?x?= <d@x.example>, "
        "=?utf-8*en?q?Jane_Doe?= <jane@x.example>\r\n"
        + "Bcc: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= <jp@x.example>\r\n"
        + "Resent-From: =?utf-8?b?w6k=?= <r@x.example>\r\n"
        + "Resent-To: =?utf-8?q?=00?= <nul@x.example>\r\n"
        + "Subject: =?UTF-8?Q?=E2=9C=93_done?=\r\n\r\nbody\r\n",
    )


# ---- name: first byte odd = an address comes along ----


def name_seeds():
    names = [
        "CN=Jane Doe/OU=Sales/O=Acme",
        "Jane Doe/Sales/Acme@Acme",
        "Jane Doe via LinkedIn",
        "Doe, Jane on behalf of Sales Team",
        "\"Doe, Jane\" <jane.doe@example.com>",
        "McDONALD, RONALD",
        "O'BRIEN, PATRICK J.",
        "María de la Cruz y Ortega",
        "Ludwig van Beethoven",
        "van de da von der Berg",
        "Dr. Prof. Mr. Jr. PhD",
        "JOHN SMITH JR., PHD, MBA",
        "Sir Dr. Jane Q. Public-Private III, Esq.",
        "Smith, Dr. John, Jr.",
        ", , , ,",
        "'\"'\"Jane\"'",
        "Jane\u00a0Doe\u200b",
        "jane.doe@example.com via Acme",
        "=?UTF-8?B?SsO8cmdlbg==?= Müller",
        "Ng Wei (Sales) [EXT]",
        "D'Angelo, MacKenzie",
        "A B C D E F G H I J K L M N O P",
        "ÉLODIE D'ARTAGNAN",
        "Доктор Иван Петров",
        "/ / / @",
    ]
    for i, n in enumerate(names):
        write("name", "p%02d" % i, bytes([i & 1]) + n.encode("utf-8"))
    # Names at the length limit: particles and commas repeated.
    write("name", "long-particles", b"\x01" + ("van de " * 140 + "Berg")[:1020].encode())
    write("name", "long-commas", b"\x00" + (", Jr" * 255).encode())


# ---- imap: the bytes of server replies ----


def lit(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return b"{%d}\r\n" % len(data) + data


HEADER = crlf(
    "Return-Path: <pat.lee@globex.example>\n"
    "From: Pat Lee <pat.lee@globex.example>\n"
    "To: sam@ourco.example\n"
    "Subject: pricing\n"
    "Date: Tue, 3 Mar 2026 10:00:00 -0500\n"
    "Message-ID: <m1@globex.example>\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/alternative; boundary="b1"\n\n'
)

BS_ALT = (
    b'(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 120 4 NIL NIL NIL NIL)'
    b'("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 480 10 NIL NIL NIL NIL)'
    b' "ALTERNATIVE" ("BOUNDARY" "b1") NIL NIL NIL)'
)


def imap_seeds():
    write(
        "imap",
        "greeting-capability.txt",
        b"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN] ready\r\n"
        b"* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR UIDPLUS MOVE CONDSTORE\r\n"
        b"k1 OK [CAPABILITY IMAP4rev1] Logged in\r\n",
    )
    write(
        "imap",
        "examine.txt",
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
        b"* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n"
        b"* 172 EXISTS\r\n* 1 RECENT\r\n"
        b"* OK [UNSEEN 12] First unseen.\r\n"
        b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
        b"* OK [UIDNEXT 4392] Predicted next UID\r\n"
        b"* OK [HIGHESTMODSEQ 90210] Highest\r\n"
        b"k2 OK [READ-ONLY] Examine completed (0.001 + 0.000 secs).\r\n",
    )
    write(
        "imap",
        "search.txt",
        b"* SEARCH 4385 4386 4387 4390 4391 17 4294967295\r\nk3 OK Search completed.\r\n",
    )
    write(
        "imap",
        "fetch-structure-header.txt",
        b"* 170 FETCH (UID 4385 BODYSTRUCTURE " + BS_ALT + b" BODY[HEADER]<0> " + lit(HEADER) + b")\r\n"
        b"* 171 FETCH (UID 4386 BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 1"
        b" NIL NIL NIL NIL) BODY[HEADER]<0> " + lit("From: a@x.example\r\nSubject: one part\r\n\r\n") + b")\r\n"
        b"k4 OK Fetch completed.\r\n",
    )
    write(
        "imap",
        "fetch-part.txt",
        b"* 170 FETCH (UID 4385 BODYSTRUCTURE " + BS_ALT + b" BODY[HEADER]<0> " + lit(HEADER) + b")\r\n"
        b"* 170 FETCH (UID 4385 BODY[1.MIME] "
        + lit("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
        + b" BODY[1]<0> "
        + lit("Hello Sam,\r\n\r\nthe prices are attached.\r\n\r\n-- \r\nPat Lee\r\nCTO, Globex\r\n")
        + b")\r\nk5 OK Fetch completed.\r\n",
    )
    write(
        "imap",
        "fetch-text.txt",
        b"* 171 FETCH (UID 4386 BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 5 1 NIL NIL NIL NIL)"
        b" BODY[HEADER]<0> " + lit("From: a@x.example\r\nSubject: x") + b")\r\n"
        b"* 171 FETCH (UID 4386 BODY[TEXT]<0> " + lit("hello") + b")\r\n"
        b"k6 OK done\r\n",
    )
    # Mixed > alternative > related, an attachment, a forwarded message.
    bs = (
        b'((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)'
        b'(("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "BASE64" 100 2 NIL NIL NIL NIL)'
        b'("IMAGE" "PNG" ("NAME" "logo.png") "<logo@x>" NIL "BASE64" 2000 NIL ("INLINE" NIL) NIL NIL)'
        b' "RELATED" ("BOUNDARY" "r1" "TYPE" "text/html") NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "a1") NIL NIL NIL)'
        b'("APPLICATION" "PDF" ("NAME" "deck.pdf") NIL NIL "BASE64" 50000 NIL ("ATTACHMENT" ("FILENAME" "deck.pdf")) NIL NIL)'
        b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 300 ("Tue, 3 Mar 2026 10:00:00 -0500" "inner" '
        b'(("Ann" NIL "ann" "initech.example")) NIL NIL NIL NIL NIL NIL "<i@x>") '
        b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL) 10 NIL NIL NIL NIL)'
        b' "MIXED" ("BOUNDARY" "m1") NIL ("EN") NIL)'
    )
    write(
        "imap",
        "fetch-nested.txt",
        b"* 5 FETCH (UID 9 FLAGS (\\Seen) RFC822.SIZE 53000 BODYSTRUCTURE " + bs + b" BODY[HEADER]<0> "
        + lit(HEADER.replace("alternative; boundary=\"b1\"", "mixed; boundary=\"m1\""))
        + b")\r\n* 5 FETCH (UID 9 BODY[1.1.MIME] "
        + lit("Content-Type: text/plain\r\n\r\n")
        + b" BODY[1.1]<0> " + lit("plain text") + b")\r\nk7 OK\r\n",
    )
    # Only an attachment and an HTML part under an attachment: no text section.
    write(
        "imap",
        "fetch-attachment-only.txt",
        b'* 6 FETCH (UID 10 BODYSTRUCTURE (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL ("ATTACHMENT" NIL) NIL NIL)'
        b'("TEXT" "HTML" NIL NIL NIL "7BIT" 1 1 NIL ("attachment" ("filename" "a.html")) NIL NIL)'
        b' "MIXED" ("BOUNDARY" "x\\"y") NIL NIL NIL) BODY[HEADER]<0> NIL)\r\n',
    )
    # Literals of every form, literal8, quoted escapes, header fields.
    write(
        "imap",
        "literals-quoted.txt",
        b"* 7 FETCH (UID 11 BODY[HEADER.FIELDS (FROM TO \"SUBJECT\")] {0}\r\n"
        b" BODY[TEXT] ~{3}\r\n\x00\x01\x02 X \"q \\\"uoted\\\\\" Y {2+}\r\nab ENVELOPE "
        b"(\"Tue, 3 Mar 2026\" {5}\r\nhello ((NIL NIL \"a\" \"x.example\")) NIL NIL NIL NIL NIL NIL NIL))\r\n"
        b"* 8 FETCH (UID 12 BODY[HEADER]<0> {4}\r\nab\r\n BODY[HEADER]<0> {3}\r\nxyz)\r\n",
    )
    # Unsolicited replies while fetching, and the end of a session.
    write(
        "imap",
        "unsolicited.txt",
        b"* 3 EXPUNGE\r\n* 173 EXISTS\r\n* 5 FETCH (FLAGS (\\Seen \\Flagged))\r\n"
        b"* 9 FETCH (UID 99999 FLAGS ())\r\n"
        b"* LIST (\\HasNoChildren) \"/\" \"Sales/&AOQ-rger\"\r\n"
        b"* LIST (\\Noselect) \".\" {7}\r\nA\"B\\C&D\r\n"
        b"* BYE Logging out\r\nk9 OK Logout completed.\r\n",
    )
    # Parentheses just under and just over kith's nesting limit (64).
    write("imap", "nest-60.txt", b"* 1 FETCH (UID 1 X " + b"(" * 60 + b"a" + b")" * 60 + b")\r\n")
    write("imap", "nest-70.txt", b"* 1 FETCH (UID 1 X " + b"(" * 70 + b"a" + b")" * 70 + b")\r\n")
    # A deep multipart BODYSTRUCTURE (section 1.1.1...).
    deep = b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL)'
    for i in range(40):
        deep = b"(" + deep + b' "MIXED" ("BOUNDARY" "d%d") NIL NIL NIL)' % i
    write("imap", "bodystructure-deep.txt", b"* 2 FETCH (UID 2 BODYSTRUCTURE " + deep + b")\r\n")
    # Bare LF line ends, tagged failures, continuation requests.
    write(
        "imap",
        "lf-and-failures.txt",
        b"+ go ahead\n* 1 FETCH (UID 1 BODY[HEADER] {3}\nab\n)\nk1 NO [TRYCREATE] no such folder\n"
        b"k2 BAD command unknown\r\n* OK [ALERT] Server going down\r\n",
    )


# ---- dav_xml: the bodies of 207 replies ----

XMLDECL = '<?xml version="1.0" encoding="utf-8"?>\n'
NS = 'xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav"'

ICS = crlf(
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Example//Cal//EN\nBEGIN:VEVENT\n"
    "UID:e1@example.com\nDTSTART:20260303T150000Z\nDTEND:20260303T160000Z\n"
    "SUMMARY:Pricing & terms <draft>\nORGANIZER;CN=Pat Lee:mailto:pat.lee@globex.example\n"
    "ATTENDEE;CN=Sam:mailto:sam@ourco.example\nEND:VEVENT\nEND:VCALENDAR\n"
)


def ms(body, ns='xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"'):
    return XMLDECL + "<multistatus %s>%s</multistatus>\n" % (ns, body)


def ok(props, status="HTTP/1.1 200 OK"):
    return "<propstat><prop>%s</prop><status>%s</status></propstat>" % (props, status)


def dav_seeds():
    write(
        "dav_xml",
        "sync-collection.xml",
        ms(
            "<response><href>/dav/calendars/ann/work/a.ics</href>"
            + ok('<getetag>"e1"</getetag>')
            + "</response><response><href>/dav/calendars/ann/work/gone.ics</href>"
            "<status>HTTP/1.1 404 Not Found</status></response>"
            "<sync-token>http://example.org/ns/sync/42</sync-token>"
        ),
    )
    write(
        "dav_xml",
        "sync-truncated-507.xml",
        ms(
            "<response><href>/dav/calendars/ann/work/</href><status>HTTP/1.1 507 Insufficient Storage</status>"
            "<error><number-of-matches-within-limits/></error></response>"
            "<response><href>b%20c.ics</href>" + ok('<getetag>W/"2"</getetag>') + "</response>"
            "<sync-token>data:,1&amp;2</sync-token>"
        ),
    )
    write(
        "dav_xml",
        "principal.xml",
        ms(
            "<d:response><d:href>/</d:href><d:propstat><d:prop><d:current-user-principal>"
            "<d:href>/dav/principals/ann/</d:href></d:current-user-principal>"
            "<d:resourcetype><d:collection/></d:resourcetype></d:prop>"
            "<d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
            "<d:propstat><d:prop><cal:calendar-home-set/><d:displayname/></d:prop>"
            "<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>",
            NS,
        ),
    )
    write(
        "dav_xml",
        "home-set.xml",
        ms(
            "<response><href>/dav/principals/ann/</href>"
            + ok(
                "<C:calendar-home-set><href>https://cal.example.com/dav/calendars/ann/</href>"
                "<href>/second/</href></C:calendar-home-set><displayname>Ann</displayname>"
            )
            + "</response>"
        ),
    )
    cal = lambda href, name, comps: (
        "<response><href>%s</href>" % href
        + ok(
            "<resourcetype><collection/><C:calendar/></resourcetype><displayname>%s</displayname>"
            "<C:supported-calendar-component-set>%s</C:supported-calendar-component-set>" % (name, comps)
        )
        + "</response>"
    )
    write(
        "dav_xml",
        "calendars.xml",
        ms(
            "<response><href>/dav/calendars/ann/</href>"
            + ok("<resourcetype><collection/></resourcetype>")
            + "</response>"
            + cal("/dav/calendars/ann/work/", "Work &amp; more", '<C:comp name="VEVENT"/><C:comp name="VTODO"/>')
            + cal("/dav/calendars/ann/tasks/", "Tasks", '<C:comp name="VTODO"/>')
            + cal("inbox/", "  Inbox  ", "")
            + "<response><href>/dav/calendars/ann/other/</href>"
            + ok('<resourcetype xmlns:CS="http://calendarserver.org/ns/"><collection/><CS:subscribed/></resourcetype>')
            + "</response>"
        ),
    )
    write(
        "dav_xml",
        "multiget-cdata.xml",
        ms(
            "<response><href>/dav/calendars/ann/work/e1.ics</href>"
            + ok('<getetag>"e1-v3"</getetag><C:calendar-data><![CDATA[' + ICS + "]]></C:calendar-data>")
            + "</response><response><href>/dav/calendars/ann/work/e2.ics</href>"
            + ok(
                '<getetag>"e2"</getetag><C:calendar-data>'
                + ICS.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
                + "</C:calendar-data>"
            )
            + "</response><response><href>/dav/calendars/ann/work/missing.ics</href>"
            "<status>HTTP/1.1 404 Not Found</status></response>"
        ),
    )
    write(
        "dav_xml",
        "calendar-query-etags.xml",
        ms(
            "".join(
                "<D:response><D:href>/cal/%d.ics</D:href><D:propstat><D:prop><D:getetag>\"%d\"</D:getetag>"
                "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>" % (i, i)
                for i in range(40)
            ),
            'xmlns:D="DAV:"',
        ),
    )
    # Namespaces redeclared on inner elements, prefixes unbound, attributes, comments.
    write(
        "dav_xml",
        "namespaces.xml",
        XMLDECL
        + "<!-- a comment --><?pi data?>\n"
        '<x:multistatus xmlns:x="DAV:"><x:response xmlns:x="urn:other">'
        "<x:href>/not-dav</x:href></x:response>"
        '<response xmlns="DAV:"><href>/default/</href><propstat xmlns:y="DAV:"><y:prop>'
        "<y:getetag>&quot;q&quot;</y:getetag><unbound:thing/><C:calendar-data>x</C:calendar-data></y:prop>"
        "<y:status>HTTP/1.1 201 Created</y:status></propstat></response>"
        '<x:response><x:href xml:lang="en">  /spaced/  </x:href><x:status>HTTP/1.1</x:status></x:response>'
        "</x:multistatus>",
    )
    write(
        "dav_xml",
        "not-multistatus.xml",
        XMLDECL + '<d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>',
    )
    write(
        "dav_xml",
        "entities.xml",
        ms(
            "<response><href>/a&amp;b/&#x1F600;&#233;.ics</href>"
            + ok("<displayname>&lt;&gt;&apos;&quot;&#10;&#0009;</displayname><getetag>&#x22;e&#x22;</getetag>")
            + "</response>"
        ),
    )
    deep = "<x>" * 70 + "</x>" * 70
    write("dav_xml", "deep-70.xml", ms("<response><href>/d</href>%s</response>" % deep))
    deep = "<x>" * 60 + "</x>" * 60
    write("dav_xml", "deep-60.xml", ms("<response><href>/d</href>%s</response>" % deep))


def main(argv):
    if len(argv) == 4 and argv[1] == "--groups":
        with open(argv[3], "wb") as f:
            f.write(group_nesting(int(argv[2]), 900).encode())
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    mime_seeds()
    name_seeds()
    imap_seeds()
    dav_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
