#!/usr/bin/env python3
"""make_mail.py - the Quagga Enron messages with their display names put back.

    python3 tests/realmail/make_mail.py OUTDIR

Reads the 800 messages of $KITH_SHARED/corpora/signatures/quagga-enron/
{train,test,eval}/*.txt (KITH_SHARED defaults to <repo>/../shared) and writes
each one to OUTDIR/<split>__<name>.eml with the names the Enron export kept in
X-From, X-To and X-cc restored into From, To and Cc:

  From: <X-From name> <from-address>
  To:   the X-To names paired in order with the To addresses, when there are
        as many names as addresses; otherwise only the entries whose own
        <address> is one of the To addresses get their name back, and the
        rest stay bare addresses.  Cc the same with X-cc.

What counts as a name in an X- entry: the text before its first '<' (the
whole entry when it has none), without a trailing Lotus Notes '@ENRON' and
without its outer double quotes.  An entry that is only an address
(`bob@x.com`, `'bob@x.com'`, `bob@x.com@ENRON`) gives no name, and neither
does the address-looking text Notes puts before an encapsulated address
(`bob@x.com@ENRON <IMCEANOTES-...>`); a Notes name at another Notes domain
(`Paul Kaufman@EES`) gives the name.  When the brackets hold a real address
the name before them is kept as the sender wrote it, even when it looks like
an address (`"perfmgmt@enron.com" <perfmgmt@enron.com>`), because that is what
the original header said.

Only the From, To and Cc fields change, in place; every other header line and
the body are copied byte for byte (Message-ID and Date included).  The output
depends on nothing but the input files.
"""
import email.utils
import os
import re
import sys

SPLITS = ("train", "test", "eval")
NOTES_SUFFIX = re.compile(r"\s*@\s*ENRON\s*$", re.I)
ADDRESS_LIKE = re.compile(r"^'?[^\s@'<>]+@[^\s@'<>]+'?$")
NOTES_NAME = re.compile(r"^([^@]*\s[^@]*)@[A-Za-z0-9_.\-]+$")


def shared_dir():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.environ.get("KITH_SHARED") or os.path.join(repo, "..", "shared")


def corpus_files():
    base = os.path.join(shared_dir(), "corpora", "signatures", "quagga-enron")
    out = []
    for split in SPLITS:
        d = os.path.join(base, split)
        for name in sorted(os.listdir(d)):
            if name.endswith(".txt"):
                out.append((split, name, os.path.join(d, name)))
    return out


def split_message(raw):
    """(header lines, separator + body); the header lines keep their endings."""
    crlf = raw.find(b"\r\n\r\n")
    lf = raw.find(b"\n\n")
    if crlf >= 0 and (lf < 0 or crlf + 1 <= lf):
        cut = crlf + 2
    elif lf >= 0:
        cut = lf + 1
    else:
        cut = len(raw)
    head, rest = raw[:cut], raw[cut:]
    lines = head.splitlines(keepends=True)
    return lines, rest


def fields(lines):
    """[(name or None, [raw lines])]: continuation lines join their field."""
    out = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and out:
            out[-1][1].append(line)
            continue
        colon = line.find(b":")
        name = line[:colon].decode("latin-1").strip() if colon > 0 else None
        out.append((name, [line]))
    return out


def value_of(raw_lines):
    text = b"".join(raw_lines).decode("latin-1")
    text = text.split(":", 1)[1] if ":" in text else ""
    return re.sub(r"\r?\n(?=[ \t])", "", text).strip()


def top_level_split(value):
    """Split at commas outside double quotes and angle brackets."""
    pieces, cur, quoted, depth, i = [], [], False, 0, 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            cur.append(value[i:i + 2])
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "<":
            depth += 1
        elif not quoted and c == ">" and depth:
            depth -= 1
        if c == "," and not quoted and depth == 0:
            pieces.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    pieces.append("".join(cur).strip())
    return [p for p in pieces if p]


def joined(pieces):
    """Exchange writes 'Last, First </O=...>' without quotes: a piece with no
    '<', '@' or quote, followed by a piece whose unquoted name precedes a '<',
    is the front of that name."""
    out, i = [], 0
    while i < len(pieces):
        p = pieces[i]
        if (i + 1 < len(pieces) and not re.search(r'[<@"]', p)
                and "<" in pieces[i + 1] and not pieces[i + 1].lstrip().startswith('"')):
            out.append(p + ", " + pieces[i + 1])
            i += 2
        else:
            out.append(p)
            i += 1
    return out


def unquote(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = re.sub(r'\\(.)', r"\1", text[1:-1])
    else:
        text = re.sub(r'\\([()"\\])', r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_entry(entry):
    """(name or '', bracketed address or '') of one X- entry."""
    entry = entry.strip()
    lt = entry.find("<")
    if lt < 0:
        name = unquote(NOTES_SUFFIX.sub("", entry))
        notes = NOTES_NAME.match(name)
        if notes:
            # 'Paul Kaufman@EES': a Notes name at another Notes domain
            return notes.group(1).strip(), ""
        if "@" in name or ADDRESS_LIKE.match(name):
            return "", ""
        return name, ""
    inside = entry[lt + 1:entry.find(">", lt) if ">" in entry[lt:] else len(entry)].strip()
    name = unquote(NOTES_SUFFIX.sub("", entry[:lt]))
    real = bool(re.match(r"^[^\s/<>@]+@[^\s/<>@]+$", inside)) and not inside.upper().startswith("IMCEA")
    if not real:
        # an X.500 path, a Notes path or an encapsulated address: the name
        # before it is kept unless it is only an address.
        if ADDRESS_LIKE.match(name) or re.match(r"^[^\s]+@[^\s]+$", name):
            name = ""
        return name, ""
    return name, inside


def x_entries(value, count):
    """The X- value's entries, split the way that gives `count` of them when
    one does (with and without re-joining 'Last, First')."""
    pieces = top_level_split(value)
    a, b = joined(pieces), pieces
    if len(a) == count:
        return a, True
    if len(b) == count:
        return b, True
    return a, False


def needs_quotes(name):
    return bool(re.search(r'[()<>\[\]:;@\\,."]', name)) or name != name.strip()


def mailbox(name, addr):
    if not name:
        return addr
    if needs_quotes(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "%s <%s>" % (name, addr)


def restore_list(addr_value, x_value):
    addrs = [a for _, a in email.utils.getaddresses([addr_value]) if a]
    if not addrs:
        return None
    names = [""] * len(addrs)
    entries, paired = x_entries(x_value or "", len(addrs))
    if paired:
        for i, e in enumerate(entries):
            names[i] = parse_entry(e)[0]
    else:
        # keep what can be kept: entries that carry one of the addresses
        by_addr = {}
        for e in entries:
            name, inside = parse_entry(e)
            if inside and name:
                by_addr.setdefault(inside.lower(), name)
        for i, a in enumerate(addrs):
            names[i] = by_addr.get(a.lower(), "")
    return [mailbox(n, a) for n, a in zip(names, addrs)]


def fold(field, boxes, eol):
    return (field + ": " + ("," + eol + "\t").join(boxes) + eol).encode("latin-1")


def restore(raw):
    lines, rest = split_message(raw)
    eol = "\r\n" if lines and lines[0].endswith(b"\r\n") else "\n"
    fl = fields(lines)
    xs = {}
    for name, raw_lines in fl:
        if name and name.lower() in ("x-from", "x-to", "x-cc"):
            xs[name.lower()] = value_of(raw_lines)
    out = []
    for name, raw_lines in fl:
        low = (name or "").lower()
        if low == "from":
            addrs = [a for _, a in email.utils.getaddresses([value_of(raw_lines)]) if a]
            if addrs:
                xname = parse_entry(xs.get("x-from", ""))[0] if xs.get("x-from") else ""
                out.append(fold("From", [mailbox(xname, addrs[0])], eol))
                continue
        elif low in ("to", "cc"):
            boxes = restore_list(value_of(raw_lines), xs.get("x-" + low, ""))
            if boxes:
                out.append(fold(name, boxes, eol))
                continue
        out.extend(raw_lines)
    return b"".join(out) + rest


def unchanged_part(raw):
    """Everything restore() must not touch: the other header fields, in
    order, and the body."""
    lines, rest = split_message(raw)
    kept = [b"".join(r) for name, r in fields(lines)
            if (name or "").lower() not in ("from", "to", "cc")]
    return kept, rest


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: make_mail.py OUTDIR\n")
        return 2
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for split, name, path in corpus_files():
        with open(path, "rb") as f:
            raw = f.read()
        out = restore(raw)
        if unchanged_part(out) != unchanged_part(raw):
            sys.stderr.write("make_mail.py: %s: more than From, To and Cc changed\n" % path)
            return 1
        with open(os.path.join(outdir, "%s__%s.eml" % (split, name[:-4])), "wb") as f:
            f.write(out)
        n += 1
    print("%d messages written to %s" % (n, outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
