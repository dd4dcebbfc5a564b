#!/usr/bin/env python3
"""apidoc.py: the public API as the headers declare it.

The headers document each public declaration with a plain /* ... */ block
right above it (a block may cover a group of consecutive declarations, and
typedefs may sit between the block and the declaration). This script reads
them the same way a reader does and serves four jobs:

  apidoc.py list INCLUDE_DIR           names of every NNET_EXTERN function
  apidoc.py check INCLUDE_DIR          fail on an undocumented declaration,
                                       a block without its Node equivalent,
                                       or a block naming a missing parameter
  apidoc.py filter HEADER              Doxygen INPUT_FILTER: the header with
                                       its doc blocks as /** */ blocks
  apidoc.py man INCLUDE_DIR OUT_DIR VERSION
                                       one section-3 man page per function

Only the standard library; Python 3.7+.
"""
import os
import re
import sys

GUIDE = "docs/guide.md"
# (regex on the function name, guide section). First match wins.
GUIDE_SECTIONS = [
    (r"_(socketaddress|blocklist)_|^nnet_is_ip", "10. BlockList and SocketAddress"),
    (r"^nnet_(err_|strerror|set_uncaught)|destroy_error|lookup_fail", "4. Errors"),
    (r"lookup|create_connection(_tcp)?$|socket_connect|connect_opts|auto_select|attempted",
     "9. Connecting: lookup and Happy Eyeballs"),
    (r"_path$|is_pipe", "8. Unix sockets"),
    (r"timeout|keep_alive", "7. Timeouts"),
    (r"_end$|half_open|destroy_soon|writable_ended|is_readable|is_writable",
     "6. Half-open connections"),
    (r"write|cork|pause|resume|is_paused|_length$|high_water", "5. Backpressure"),
    (r"_(on|once|prepend|off|remove_all|listener_count)$|event_name|next_tick|set_immediate",
     "2. Events"),
    (r"retain|release|destroy|_data$|_close$|abort_controller|set_allocator", "3. Lifetime: when memory may be freed"),
]
DEFAULT_SECTION = "1. The loop and the objects"


def guide_section(name):
    for rx, sec in GUIDE_SECTIONS:
        if re.search(rx, name):
            return sec
    return DEFAULT_SECTION


def guide_anchor(section):
    """GitHub's heading anchor: lower case, punctuation dropped, spaces -> -."""
    s = re.sub(r"[^\w\- ]", "", section.lower())
    return s.replace(" ", "-")


# ---------------------------------------------------------------- parsing --

class Decl:
    def __init__(self, name, text, params, doc, header, line, group):
        self.name, self.text, self.params = name, text, params
        self.doc, self.header, self.line, self.group = doc, header, line, group


def comment_text(raw):
    """The prose of a /* ... */ block: markers and ' * ' prefixes removed,
    a leading '---- Section ----' rule turned into a title paragraph."""
    body = raw.strip()
    body = body[2:] if body.startswith("/*") else body
    body = body[:-2] if body.endswith("*/") else body
    lines = []
    for ln in body.split("\n"):
        ln = re.sub(r"^\s*\* ?", "", ln) if lines or ln.strip().startswith("*") else ln.strip()
        lines.append(ln.rstrip())
    text = "\n".join(lines).strip()
    m = re.match(r"-{2,}\s+(.*?)\s*-{2,}[ \t]*(?:\n|$)", text, re.S)  # "---- X ----"
    if m:
        title = " ".join(m.group(1).split())
        title = title if title.endswith(".") else title + "."
        text = title + "\n\n" + text[m.end() :]
    return text.strip()


def split_params(plist):
    parts, depth, cur = [], 0, ""
    for ch in plist:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    names = []
    for p in parts:
        p = p.strip()
        if p in ("void", "..."):
            continue
        m = re.search(r"\(\s*\*\s*(\w+)\s*\)", p)  # function pointer
        if m:
            names.append(m.group(1))
            continue
        m = re.search(r"(\w+)\s*(\[[^\]]*\])?$", p)
        if m:
            names.append(m.group(1))
    return names


def parse_decl(stmt):
    """NNET_EXTERN statement -> (name, params) for functions, (name, None)
    for data."""
    s = " ".join(stmt.split())
    m = re.search(r"(\w+)\s*\(", s)
    if m is None:  # data: the last identifier
        return re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;?$", s)[0], None
    depth, i = 0, m.end() - 1
    for j in range(i, len(s)):
        if s[j] == "(":
            depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                return m.group(1), split_params(s[i + 1 : j])
    raise ValueError("unbalanced declaration: " + s)


def parse_header(path):
    """Every NNET_EXTERN declaration of one header, with its doc block: the
    comment block right above it, or above the run of declarations and
    typedefs it belongs to (no blank line in between)."""
    lines = open(path, encoding="utf-8").read().split("\n")
    decls = []
    pending, pending_line, gap = None, 0, True
    i = 0
    while i < len(lines):
        st = lines[i].strip()
        if st.startswith("/*"):
            j = block_end(lines, i)
            if lines[j].split("*/", 1)[1].strip() == "":
                pending, pending_line, gap = comment_text("\n".join(lines[i : j + 1])), i + 1, False
            i = j + 1
            continue
        if st == "" or st.startswith("#"):
            gap = True
            i += 1
            continue
        if "NNET_EXTERN" in st:
            j, stmt = i, ""
            while True:
                stmt += " " + re.sub(r"/\*.*?\*/", "", lines[j])
                if ";" in lines[j]:
                    break
                j += 1
            stmt = " ".join(stmt.replace("NNET_EXTERN", "").split())
            name, params = parse_decl(stmt)
            d = Decl(name, stmt, params, None if gap else pending, path, i + 1,
                     None if gap else pending_line)
            d.doc_line = d.group
            decls.append(d)
            i = j + 1
            continue
        i += 1
    return decls


def headers(include_dir):
    out = []
    for root, _, files in os.walk(include_dir):
        for f in sorted(files):
            if f.endswith(".h"):
                out.append(os.path.join(root, f))
    return sorted(out)


def all_decls(include_dir):
    ds = []
    for h in headers(include_dir):
        ds.extend(parse_header(h))
    return ds


# ------------------------------------------------------------------ check --

PARAM_TAG = re.compile(r"[@\\]param(?:\[[a-z, ]+\])?\s+(\w+)")
# "*sa is left unchanged", "opts->fd": pointer uses name a parameter.
PARAM_USE = re.compile(r"(?<![\w.>])\*([a-z_]\w*)\b|\b([a-z_]\w*)->")


def node_equivalent(doc):
    m = re.search(r"Node(?: \(>= ?\d+\))?: (.+?)(?:\.\s|\.$|$)", doc, re.S)
    if m:
        eq = " ".join(m.group(1).split())
        if eq.endswith(")") and eq.count(")") > eq.count("("):
            eq = eq[:-1]
        return eq
    m = re.search(r"[^.]*\b(beyond Node|Unlike Node|Node's|as Node|Node)\b[^.]*\.", doc, re.S)
    if m:
        return " ".join(m.group(0).split())
    return None


def check(include_dir):
    errors, notes = [], []
    decls = all_decls(include_dir)
    groups = {}
    for d in decls:
        groups.setdefault((d.header, d.group), []).append(d)
    for d in decls:
        where = "%s:%d: %s" % (d.header, d.line, d.name)
        if not d.doc:
            errors.append(where + ": no doc block above the declaration")
            continue
        if "Node" not in d.doc:  # the page then says "none (beyond Node)"
            notes.append(where + ": note: no Node equivalent named; "
                         "say 'Node: x.y()' or 'beyond Node'")
        if d.params is None:
            continue
        known = set()
        for g in groups[(d.header, d.group)]:
            known.update(g.params or [])
        for m in PARAM_TAG.finditer(d.doc):
            if m.group(1) not in d.params:
                errors.append(where + ": @param %s: no such parameter" % m.group(1))
        for m in PARAM_USE.finditer(d.doc):
            p = m.group(1) or m.group(2)
            if p not in known:
                errors.append(where + ": doc block uses '%s', not a parameter" % m.group(0))
    if os.environ.get("APIDOC_NOTES"):
        for n in notes:
            print(n, file=sys.stderr)
    for e in errors:
        print(e, file=sys.stderr)
    print("apidoc: %d public declarations, %d documented, %d problems, %d "
          "without a Node equivalent (APIDOC_NOTES=1 lists them)"
          % (len(decls), sum(1 for d in decls if d.doc), len(errors), len(notes)))
    return 1 if errors else 0


# ----------------------------------------------------------------- filter --

# Doxygen commands a doc block may use on purpose; everything else in the
# prose is escaped (it is plain text, never a command or an HTML tag).
DOX_COMMANDS = r"@(param(?:\[(?:in|out|in,out)\])?|return|retval|see|deprecated|note|since)\b"


def dox_escape(text):
    text = text.replace("\\", "\\\\")
    for ch in "@<>&$#%":
        text = text.replace(ch, "\\" + ch)
    text = re.sub("\\\\" + DOX_COMMANDS, r"@\1", text)
    return text.replace("::", "\\::").replace("*/", "* /")


def filter_header(path):
    """The header with doc blocks turned into Doxygen blocks: a
    declaration's block moves right above each declaration it covers, with
    its Node equivalent, guide section and man page; a block above a type
    becomes /** */; a member's trailing comment becomes /**< */. Other line
    numbers shift (Doxygen's warnings point near, not at, the line)."""
    decls = parse_header(path)
    by_line = {d.line: d for d in decls}
    doc_blocks = {d.doc_line for d in decls if d.doc}
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    first = True
    while i < len(lines):
        ln = lines[i]
        st = ln.strip()
        if st.startswith("/*") and not st.startswith("/**"):
            j = block_end(lines, i)
            n = j + 1 - i
            alone = lines[j].split("*/", 1)[1].strip() == ""
            nxt = lines[j + 1].strip() if j + 1 < len(lines) else ""
            text = comment_text("\n".join(lines[i : j + 1]))
            if first and alone:
                rep = ("/** @file\n" + dox_escape(text) + " */").split("\n")
            elif (i + 1) in doc_blocks:  # emitted with its declaration(s)
                i = j + 1
                continue
            elif alone and nxt and not nxt.startswith(("#", "/*")):
                rep = ("/** " + dox_escape(text) + " */").split("\n")
            else:
                rep = lines[i : j + 1]
            first = False
            out.extend(rep)
            i = j + 1
            continue
        d = by_line.get(i + 1)
        if d is not None and d.doc:
            sec = guide_section(d.name)
            out.append("/** " + dox_escape(d.doc))
            out.append("")
            out.append("@par Node equivalent")
            out.append(dox_escape(node_equivalent(d.doc) or "none (beyond Node)"))
            out.append("@par Guide")
            out.append("%s, section \"%s\"" % (GUIDE, dox_escape(sec)))
            out.append("@par Man page")
            out.append("man 3 %s */" % d.name)
            out.append(ln)
            i += 1
            continue
        m = re.match(r"^(\s*[^/#]*[;,]\s*)/\*(?!\*)(.*)$", ln)
        if m and not st.startswith("XX("):
            rest = m.group(2)
            out.append(m.group(1) + "/**<" + dox_escape_inline(rest))
            i += 1
            while "*/" not in rest and i < len(lines):
                rest = lines[i]
                out.append(dox_escape_inline(rest))
                i += 1
            continue
        out.append(ln)
        i += 1
    sys.stdout.write("\n".join(out))


def block_end(lines, i):
    j = i
    pos = lines[i].find("/*") + 2
    while "*/" not in lines[j][pos:]:
        j += 1
        pos = 0
    return j


def dox_escape_inline(s):
    head, sep, tail = s.partition("*/")
    head = head.replace("\\", "\\\\")
    for ch in "@<>&$#%":
        head = head.replace(ch, "\\" + ch)
    return head + sep + tail


# -------------------------------------------------------------------- man --

def roff(text):
    text = text.replace("\\", "\\e")
    out = []
    for ln in text.split("\n"):
        if ln.startswith((".", "'")):
            ln = "\\&" + ln
        out.append(ln)
    return "\n".join(out)


def roff_para(text):
    # Paragraphs are separated by blank lines; lines inside are joined.
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n.PP\n".join(roff(p) for p in paras)


def man(include_dir, out_dir, version):
    os.makedirs(out_dir, exist_ok=True)
    decls = all_decls(include_dir)
    groups = {}
    for d in decls:
        groups.setdefault((d.header, d.group), []).append(d)
    for d in decls:
        if d.params is None:
            continue
        sec = guide_section(d.name)
        paras = [p for p in re.split(r"\n\s*\n", d.doc or "") if p.strip()]
        if len(paras) > 1 and len(paras[0].split()) <= 5:  # a section title
            paras = paras[1:]
        first = re.split(r"(?<=\.)\s", " ".join(" ".join(paras).split()), maxsplit=1)[0]
        brief = node_equivalent(d.doc or "") or first
        hdr = os.path.relpath(d.header, include_dir)
        siblings = [g.name for g in groups[(d.header, d.group)] if g.name != d.name]
        page = [
            '.TH %s 3 "" "nodenet %s" "nodenet manual"' % (d.name.upper(), version),
            ".ad l",
            ".SH NAME",
            "%s \\- %s" % (d.name, roff(brief if d.doc else "undocumented")),
            ".SH SYNOPSIS",
            ".nf",
            ".B #include <nodenet.h>",
            "/* declared in %s */" % roff(hdr),
            ".PP",
            roff(d.text),
            ".fi",
            ".SH DESCRIPTION",
            roff_para(d.doc or ""),
            ".SH NODE EQUIVALENT",
            roff(node_equivalent(d.doc or "") or "none"),
            ".SH SEE ALSO",
            "The guide, %s, section \"%s\" (%s#%s)." % (GUIDE, roff(sec), GUIDE, guide_anchor(sec)),
        ]
        if siblings:
            page.append(".PP")
            page.append(",\n".join(".BR %s (3)" % s for s in siblings))
        page += [".PP", ".BR nodenet (1)", ""]
        with open(os.path.join(out_dir, d.name + ".3"), "w", encoding="utf-8") as f:
            f.write("\n".join(page))
    print("apidoc: %d man pages in %s" % (sum(1 for d in decls if d.params is not None), out_dir))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "list":
        for d in all_decls(argv[2]):
            print(d.name)
        return 0
    if len(argv) >= 3 and argv[1] == "check":
        return check(argv[2])
    if len(argv) >= 3 and argv[1] == "filter":
        filter_header(argv[2])
        return 0
    if len(argv) >= 5 and argv[1] == "man":
        return man(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
