/* _fastscan_match.h: the line grammar of _fastscan.c, included once by it.
 *
 * Everything here runs without the GIL: it reads only the immutable bytes buffer and the
 * Scanner's C copies of what is wanted (no Python object is touched), and every read is
 * bounded by the end of the line.  match() accepts exactly the recorder's canonical line
 * (captures/format.py `exchange_to_record`) with every number in the careful loader's
 * range; linescan.py's regular expression is the same grammar in Python.
 */
#ifndef FASTSCAN_MATCH_H
#define FASTSCAN_MATCH_H


enum { SKIP, CAREFUL, READ };

typedef struct {
    char *hex;            /* the request as lower-case hex (C copy: read without the GIL) */
    Py_ssize_t hex_len;
    PyObject *key;        /* str: the probe */
    PyObject *request;    /* bytes */
    PyObject *last_reply; /* the last reply read for it (an unchanged one is shared) */
    PyObject *last_command;
} Wanted;

typedef struct {          /* one record of a batch, between the two passes */
    int kind;             /* CAREFUL or READ */
    int wanted;
    Py_ssize_t index;     /* the record's index, as the loader counts (non-blank lines) */
    Py_ssize_t command, command_len, reply, reply_len, wall, wall_len;
    long long mono, duration;
} Line;

typedef struct {
    PyObject_HEAD
    Wanted *wanted;
    Py_ssize_t n_wanted;
    char **scopes;        /* each `"NAME","scope_value":N` */
    Py_ssize_t *scope_len;
    Py_ssize_t n_scopes;
    PyTypeObject *read_type;
    Line *lines;
    Py_ssize_t batch, long_line, max_hex, status_byte;
    unsigned long long u32_max, i64_max;
    double max_wall;
    Py_ssize_t index;
    char *scratch;        /* decoded reply, or a number's text with its NUL */
    Py_ssize_t scratch_size;
    int busy;             /* inside scan(): another thread must not enter */
} Scanner;

static signed char HEX[256];

/* -- matching one line (no Python objects: runs without the GIL) -------------------- */

typedef struct {
    const char *p, *end;
} Cur;

static int
lit(Cur *c, const char *s, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
        return 0;
    c->p += n;
    return 1;
}
#define LIT(c, s) lit((c), (s), sizeof(s) - 1)

static int
at_digit(Cur *c)
{
    return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* -?(0|[1-9][0-9]*): its magnitude, saturated at ULLONG_MAX. */
static int
integer(Cur *c, int *negative, unsigned long long *value)
{
    *negative = LIT(c, "-");
    *value = 0;
    if (!at_digit(c))
        return 0;
    if (*c->p == '0') {
        c->p++;
        return 1;
    }
    while (at_digit(c)) {
        unsigned d = (unsigned)(*c->p++ - '0');
        *value = *value > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : *value * 10 + d;
    }
    return 1;
}

/* An integer in 0..top (-0 is 0, as JSON reads it). */
static int
bounded(Cur *c, unsigned long long top, long long *out)
{
    int negative;
    unsigned long long value;
    if (!integer(c, &negative, &value) || value > top || (negative && value != 0))
        return 0;
    if (out != NULL)
        *out = (long long)value;
    return 1;
}

static int
any_integer(Cur *c)
{
    int negative;
    unsigned long long value;
    return integer(c, &negative, &value);
}

static int
optional(Cur *c)
{
    return LIT(c, "null") || any_integer(c);
}

static int
digits(Cur *c)
{
    if (!at_digit(c))
        return 0;
    while (at_digit(c))
        c->p++;
    return 1;
}

/* A JSON number: integer, optional fraction, optional exponent. */
static int
number(Cur *c)
{
    if (!any_integer(c))
        return 0;
    if (LIT(c, ".") && !digits(c))
        return 0;
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '-' || *c->p == '+'))
            c->p++;
        if (!digits(c))
            return 0;
    }
    return 1;
}

/* A string of printable ASCII without quote or backslash (no escapes), at least `least`
 * characters, from `first` on (' ' for any text, '!' for a command name). */
static int
text(Cur *c, Py_ssize_t least, char first)
{
    if (!LIT(c, "\""))
        return 0;
    const char *start = c->p;
    while (c->p < c->end && *c->p >= first && *c->p <= '~' && *c->p != '"' && *c->p != '\\')
        c->p++;
    return c->p - start >= least && LIT(c, "\"");
}

static int
scope(const Scanner *s, Cur *c)
{
    for (Py_ssize_t i = 0; i < s->n_scopes; i++) {
        Cur tried = *c;
        if (lit(&tried, s->scopes[i], (size_t)s->scope_len[i]) &&
            LIT(&tried, ",\"command\":")) {
            *c = tried;
            return 1;
        }
    }
    return 0;
}

static const char *
find_quote(const char *p, const char *end)
{
    return memchr(p, '"', (size_t)(end - p));
}

/* What one non-blank line is: SKIP (another request, a failed or unsuccessful reply),
 * READ (`out` filled) or CAREFUL (not the canonical form, or a value the loader would
 * refuse or read differently). */
static int
match(const Scanner *s, const char *line, Py_ssize_t n, Line *out)
{
    Cur c = {line, line + n};
    long long unused;
    if (n > s->long_line)
        return CAREFUL;
    if (!(LIT(&c, "{\"type\":\"rpc\",\"seq\":") && any_integer(&c) &&
          LIT(&c, ",\"time\":") && text(&c, 0, ' ') && LIT(&c, ",\"wall_time\":")))
        return CAREFUL;
    out->wall = c.p - line;
    if (!number(&c))
        return CAREFUL;
    out->wall_len = c.p - line - out->wall;
    if (!(LIT(&c, ",\"mono_ns\":") && bounded(&c, s->i64_max, &out->mono) &&
          LIT(&c, ",\"scope\":") && scope(s, &c)))
        return CAREFUL;
    out->command = c.p - line + 1;
    if (!text(&c, 1, '!'))
        return CAREFUL;
    out->command_len = c.p - line - 1 - out->command;
    if (!(LIT(&c, ",\"opcode\":") && optional(&c) && LIT(&c, ",\"op_mod\":") && optional(&c) &&
          LIT(&c, ",\"errno\":")))
        return CAREFUL;
    int failed = !LIT(&c, "0");  /* 0|-?[1-9][0-9]*: a failed call is never read */
    if (failed) {
        LIT(&c, "-");
        if (!at_digit(&c) || *c.p == '0')
            return CAREFUL;
        digits(&c);
    }
    if (!(LIT(&c, ",\"errno_name\":") && (LIT(&c, "null") || text(&c, 0, ' ')) &&
          LIT(&c, ",\"status\":") && optional(&c) && LIT(&c, ",\"syndrome\":") &&
          optional(&c) && LIT(&c, ",\"out_cap\":") && bounded(&c, s->u32_max, &unused) &&
          LIT(&c, ",\"out_len\":") && bounded(&c, s->u32_max, &unused) &&
          LIT(&c, ",\"duration_ns\":") && bounded(&c, s->i64_max, &out->duration) &&
          LIT(&c, ",\"request\":\"")))
        return CAREFUL;
    const char *request = c.p;
    const char *quote = find_quote(c.p, c.end);
    if (quote == NULL || quote == request)
        return CAREFUL;
    for (const char *p = request; p < quote; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
            return CAREFUL;  /* upper case or not hex: the loader decides */
    c.p = quote;
    if (!LIT(&c, "\",\"reply\":\""))
        return CAREFUL;
    const char *reply = c.p;
    const char *close = find_quote(c.p, c.end);
    if (close == NULL)
        return CAREFUL;
    c.p = close + 1;
    if (LIT(&c, ",\"session\":") && !text(&c, 0, ' '))
        return CAREFUL;
    if (!LIT(&c, "}") || c.p != c.end)
        return CAREFUL;
    Py_ssize_t request_len = quote - request;
    out->wanted = -1;
    for (Py_ssize_t i = 0; i < s->n_wanted; i++)
        if (s->wanted[i].hex_len == request_len &&
            memcmp(s->wanted[i].hex, request, (size_t)request_len) == 0)
            out->wanted = (int)i;
    if (out->wanted < 0 || failed)
        return SKIP;
    Py_ssize_t reply_len = close - reply;
    if (reply_len % 2 != 0 || reply_len > s->max_hex)
        return CAREFUL;  /* (its digits are checked as they are decoded, in build_read) */
    out->reply = reply - line;
    out->reply_len = reply_len;
    Py_ssize_t at = 2 * s->status_byte;
    if (at + 1 >= reply_len)
        return SKIP;  /* empty, or too short to hold a status: the loader reads nothing */
    for (Py_ssize_t i = 0; i <= at + 1; i++)
        if (HEX[(unsigned char)reply[i]] < 0)
            return CAREFUL;  /* (bytes.fromhex skips white space: the loader decides) */
    if (HEX[(unsigned char)reply[at]] != 0 || HEX[(unsigned char)reply[at + 1]] != 0)
        return SKIP;  /* the firmware's status is not 0: never read, whether or not the
                         rest is hex (the loader reads nothing of it either) */
    return READ;
}

static int
blank(const char *p, const char *end)
{
    for (; p < end; p++)
        if (!strchr(" \t\r\x0b\x0c", *p) || *p == '\0')
            return 0;
    return 1;
}

/* The first pass: records of whole lines from `*position` (and the unterminated rest
 * when `final`) into s->lines, up to s->batch of them; returns how many. */
static Py_ssize_t
match_lines(Scanner *s, const char *data, Py_ssize_t size, Py_ssize_t *position, int final)
{
    Py_ssize_t count = 0, at = *position;
    while (count < s->batch && at < size) {
        const char *start = data + at;
        const char *newline = memchr(start, '\n', (size_t)(size - at));
        if (newline == NULL && !final)
            break;
        const char *end = newline != NULL ? newline : data + size;
        at = end - data + (newline != NULL);
        if (blank(start, end))
            continue;
        Line *line = &s->lines[count];
        line->index = s->index++;
        line->kind = match(s, start, end - start, line);
        if (line->kind == SKIP)
            continue;
        if (line->kind == READ) {  /* offsets from the line's start to the buffer's */
            line->command += start - data;
            line->reply += start - data;
            line->wall += start - data;
        }
        count++;
    }
    *position = at;
    return count;
}

#endif /* FASTSCAN_MATCH_H */
