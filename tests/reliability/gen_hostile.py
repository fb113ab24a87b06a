#!/usr/bin/env python3
"""gen_hostile.py - hostile input files for tests/e2e/test_hostile.sh. Every
file is generated on the fly into a scratch folder (never committed) and
streamed, so even the 2 GB mbox takes little memory to write.

    gen_hostile.py KIND OUT [SIZE]

KIND           OUT is                                                SIZE is
mbox           an mbox of ordinary 20 KB messages                     bytes
bigmsg         one .eml whose text/plain body is SIZE bytes           bytes
recipients     one .eml with SIZE addresses in To                     count
b64attach      one .eml with a base64 attachment of SIZE zero bytes   bytes (decoded)
b64text        one .eml whose base64 text/plain part decodes to SIZE zero bytes
nest           one .eml with multiparts nested SIZE deep              depth
icsbig         an .ics whose SUMMARY and DESCRIPTION are SIZE bytes   bytes
icsnest        an .ics with SIZE nested BEGIN:X-NEST components       depth
icsnest_open   the same, never closed (no END lines at all)           depth
csvwide        a User.csv whose header and row have SIZE columns      count
jsonlline      a .jsonl whose first line is SIZE bytes (a long body)  bytes
nulheaders     one .eml with NUL bytes inside its header lines        -

Participants are ann.lee@corp.example (a CRM User in the test) and people
at acme.com, so the rules run on what capture gives them.
Standard library only.
"""
import base64
import sys

CHUNK = 1 << 20
FIRST = ["Jane", "Omar", "Lucia", "Pieter", "Mei", "Raj", "Sofia", "Tomas", "Ingrid", "Kwame",
         "Aoife", "Lars", "Yuki", "Chloe", "Dmitri", "Nadia", "Hugo", "Priya", "Sean", "Zofia"]
LAST = ["Doe", "Haddad", "Garcia", "Dijk", "Chen", "Patel", "Rossi", "Oliveira", "Berg", "Mensah",
        "Brien", "Nilsson", "Tanaka", "Dubois", "Ivanov", "Kaur", "Schmidt", "Nowak", "Murphy", "Cruz"]


def person(i):
    """A distinct name and address for every i below 400 * 20 * 20."""
    f, l = FIRST[i % 20], LAST[(i // 20) % 20]
    return "%s %s%s" % (f, l, "" if i < 400 else "-" + "abcdefghijklmnopqrstuvwxyz"[(i // 400) % 26]
                        + "abcdefghijklmnopqrstuvwxyz"[(i // 10400) % 26]), "%s.%s%d@acme.com" % (f.lower(), l.lower(), i)


def header(msgid, to="Jane Doe <jane.doe@acme.com>", extra=""):
    return ("Message-ID: <%s@hostile.example>\r\nDate: Tue, 03 Mar 2026 09:00:00 +0000\r\n"
            "From: Ann Lee <ann.lee@corp.example>\r\nTo: %s\r\nSubject: hostile %s\r\n"
            "MIME-Version: 1.0\r\n%s" % (msgid, to, msgid, extra))


def write_repeated(f, unit, total):
    """Writes `total` bytes made of `unit` repeated (the last copy cut)."""
    block = unit * max(1, CHUNK // len(unit))
    left = total
    while left > 0:
        n = min(left, len(block))
        f.write(block[:n])
        left -= n


def mbox(f, size):
    body_line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\n"
    body = body_line * (20000 // len(body_line))
    written, i = 0, 0
    while written < size:
        msg = (b"From MAILER-DAEMON Tue Mar  3 09:00:00 2026\n" +
               ("Message-ID: <big-%d@hostile.example>\nDate: Tue, 03 Mar 2026 09:%02d:%02d +0000\n"
                "From: Ann Lee <ann.lee@corp.example>\nTo: %s <%s>\n"
                "Subject: message %d\n\n" % ((i, (i // 60) % 60, i % 60) + person(i % 2000) + (i,))).encode() +
               body + b"\n")
        f.write(msg)
        written += len(msg)
        i += 1


def bigmsg(f, size):
    f.write(header("bigmsg", extra="Content-Type: text/plain; charset=us-ascii\r\n\r\n").encode())
    write_repeated(f, b"All work and no play makes a very long message indeed.\r\n", size)
    f.write(b"\r\n-- \r\nAnn Lee\r\n")


def recipients(f, count):
    to = ",\r\n ".join("%s <%s>" % person(i) for i in range(count))
    f.write(header("recipients", to=to, extra="Content-Type: text/plain\r\n\r\n").encode())
    f.write(b"Hello all.\r\n")


def b64(f, size, inline):
    boundary = "b64-boundary"
    f.write(header("b64" + ("text" if inline else "attach"),
                   extra='Content-Type: multipart/mixed; boundary="%s"\r\n\r\n' % boundary).encode())
    if not inline:
        f.write(("--%s\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" % boundary).encode())
        f.write(("--%s\r\nContent-Type: application/octet-stream\r\n"
                 "Content-Disposition: attachment; filename=zeros.bin\r\n" % boundary).encode())
    else:
        f.write(("--%s\r\nContent-Type: text/plain; charset=utf-8\r\n" % boundary).encode())
    f.write(b"Content-Transfer-Encoding: base64\r\n\r\n")
    # 57 zero bytes are one 76-character base64 line.
    line = base64.b64encode(b"\0" * 57) + b"\r\n"
    write_repeated(f, line, (size // 57) * len(line))
    f.write(("\r\n--%s--\r\n" % boundary).encode())


def nest(f, depth):
    f.write(header("nest", extra='Content-Type: multipart/mixed; boundary="n0"\r\n\r\n').encode())
    for d in range(1, depth):
        f.write(('--n%d\r\nContent-Type: multipart/mixed; boundary="n%d"\r\n\r\n' % (d - 1, d)).encode())
    f.write(("--n%d\r\nContent-Type: text/plain\r\n\r\nDeep inside.\r\n" % (depth - 1)).encode())
    for d in range(depth - 1, -1, -1):
        f.write(("--n%d--\r\n" % d).encode())


def fold(value, first):
    """RFC 5545 folding: lines of at most 75 octets, continuations start with a space."""
    out = [first + value[:75 - len(first)]]
    rest = value[75 - len(first):]
    while rest:
        out.append(" " + rest[:74])
        rest = rest[74:]
    return "\r\n".join(out) + "\r\n"


def icsbig(f, size):
    f.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith//hostile//EN\r\n")
    for n, cn in ((1, size), (2, size // 2)):
        f.write(("BEGIN:VEVENT\r\nUID:icsbig-%d@hostile.example\r\nDTSTAMP:20260101T000000Z\r\n"
                 "DTSTART:20260303T090000Z\r\n" % n).encode())
        f.write(fold("x" * cn, "SUMMARY:").encode())
        f.write(fold("y" * cn, "DESCRIPTION:").encode())
        f.write(b"ORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\n"
                b"ATTENDEE;CN=Jane Doe:mailto:jane.doe@acme.com\r\nEND:VEVENT\r\n")
    f.write(b"END:VCALENDAR\r\n")


def icsnest(f, depth, close=True):
    f.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith//hostile//EN\r\n"
            b"BEGIN:VEVENT\r\nUID:icsnest@hostile.example\r\nDTSTAMP:20260101T000000Z\r\n"
            b"DTSTART:20260303T090000Z\r\nORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\n"
            b"ATTENDEE;CN=Jane Doe:mailto:jane.doe@acme.com\r\n")
    write_repeated(f, b"BEGIN:X-NEST\r\n", depth * 14)
    if close:
        write_repeated(f, b"END:X-NEST\r\n", depth * 12)
        f.write(b"END:VEVENT\r\nEND:VCALENDAR\r\n")


def csvwide(f, count):
    names = ["Id", "FirstName", "LastName", "Email", "IsActive"] + ["X%d" % i for i in range(5, count)]
    vals = ["005000000000777AAA", "Wide", "Row", "wide@corp.example", "true"] + ["v"] * (count - 5)
    f.write((",".join(names) + "\n").encode())
    f.write((",".join(vals) + "\n").encode())
    f.write(b"005000000000778AAA,Narrow,Row,narrow@corp.example,true\n")


def jsonlline(f, size):
    head = (b'{"type":"email","id":"long-line@hostile.example","time":"2026-03-03T09:00:00Z",'
            b'"from":{"email":"ann.lee@corp.example"},"to":[{"email":"jane.doe@acme.com","name":"Jane Doe"}],'
            b'"body":"')
    f.write(head)
    write_repeated(f, b"abcdefghij", max(0, size - len(head) - 3))
    f.write(b'"}\n')
    f.write(b'{"type":"email","id":"short-line@hostile.example","time":"2026-03-03T10:00:00Z",'
            b'"from":{"email":"ann.lee@corp.example"},"to":[{"email":"sam.roe@acme.com","name":"Sam Roe"}]}\n')


def nulheaders(f):
    f.write(b"Message-ID: <nul\0id@hostile.example>\r\nDate: Tue, 03 Mar 2026 09:00:00 +0000\r\n"
            b"From: Ann\0Lee <ann.lee@corp.example>\r\nTo: Jane\0 Doe <jane.doe@acme.com>, "
            b"nul\0local@acme.com\r\nSubject: nul\0subject\r\nX-Nul\0Name: v\r\n\r\nBody\0text\r\n")


def groups(n):
    """The security review's Cc: `a:` N times, folded into lines of 900."""
    g = "a:" * n
    return "Cc: " + "\r\n ".join(g[i:i + 900] for i in range(0, len(g), 900)) + "\r\n"


def deepgroups(f, n):
    f.write((header("groups", extra=groups(n)) + "\r\nHello Jane,\r\n\r\nAnn\r\n").encode())


def deepgroups_mbox(f, n):
    """Three messages, the one with the deep Cc in the middle."""
    for i, extra in enumerate(("", groups(n), "")):
        f.write(b"From ann.lee@corp.example Tue Mar  3 09:00:00 2026\n")
        f.write((header("mbox%d" % i, to=person(i)[0] + " <" + person(i)[1] + ">", extra=extra)
                 + "\r\nHello\r\n\r\n").encode())


def manyheaders(f, n):
    f.write(header("manyheaders").encode())
    write_repeated(f, b"X-A: b\r\n", n * len(b"X-A: b\r\n"))
    f.write(b"\r\nHello\r\n")


def tzhang(f, freq):
    """A VTIMEZONE whose observances recur every FREQ from 1900: libical
    expands such a zone without end for the event that names it."""
    f.write((("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n"
             "BEGIN:VTIMEZONE\r\nTZID:Evil\r\n"
             "BEGIN:STANDARD\r\nDTSTART:19000101T000000\r\nRRULE:FREQ=%s\r\n"
             "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
             "BEGIN:DAYLIGHT\r\nDTSTART:19000101T000030\r\nRRULE:FREQ=%s\r\n"
             "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
             "BEGIN:VEVENT\r\nUID:evil-tz-1\r\nDTSTART;TZID=Evil:20260303T100000\r\n"
             "SUMMARY:Sync\r\nORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\n"
             "ATTENDEE;CN=Jane Doe:mailto:jane.doe@acme.com\r\nEND:VEVENT\r\n"
             "END:VCALENDAR\r\n") % (freq, freq)).encode())


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    kind, out = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    with open(out, "wb") as f:
        if kind == "mbox":
            mbox(f, size)
        elif kind == "bigmsg":
            bigmsg(f, size)
        elif kind == "recipients":
            recipients(f, size)
        elif kind in ("b64attach", "b64text"):
            b64(f, size, kind == "b64text")
        elif kind == "nest":
            nest(f, size)
        elif kind == "icsbig":
            icsbig(f, size)
        elif kind == "icsnest":
            icsnest(f, size)
        elif kind == "icsnest_open":
            icsnest(f, size, close=False)
        elif kind == "csvwide":
            csvwide(f, size)
        elif kind == "jsonlline":
            jsonlline(f, size)
        elif kind == "nulheaders":
            nulheaders(f)
        elif kind == "deepgroups":
            deepgroups(f, size)
        elif kind == "deepgroups_mbox":
            deepgroups_mbox(f, size)
        elif kind == "manyheaders":
            manyheaders(f, size)
        elif kind in ("tzminutely", "tzhourly"):
            tzhang(f, "MINUTELY" if kind == "tzminutely" else "HOURLY")
        else:
            sys.stderr.write("gen_hostile.py: unknown kind %s\n" % kind)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
