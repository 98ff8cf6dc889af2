/* _fastscan: the compiled line scan of a watch capture (see monitor/fastscan.py).
 *
 * A watch capture's records are the recorder's canonical form (captures/format.py
 * `exchange_to_record`: keys in a fixed order, compact separators).  Scanner.scan reads
 * the lines of one chunk and accepts only lines of exactly that form, with every value
 * the careful loader checks in its range; anything else is handed back by its record
 * index, for the careful loader to read.  It returns, per batch of at most `batch`
 * records that matter, the Read tuples of the successful replies to the wanted requests
 * and the index of every line it would not read itself.  Lines of other requests and
 * failed replies are counted and skipped.
 *
 * Each batch is matched in two passes: the lines are matched and their hex checked with
 * the GIL released (over a bytes object, which cannot change, and C copies of what is
 * wanted), then the Read objects are built with the GIL held.  Every read is bounded by
 * the line's end; every number is checked before it is converted.
 *
 * linescan.py is the pure-Python twin used where this file could not be compiled; the
 * tests run both over the same damaged captures.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#ifndef FASTSCAN_SOURCE_DIGEST
#define FASTSCAN_SOURCE_DIGEST "unknown"
#endif

#define READ_FIELDS 7 /* Read: key, command, request, reply, mono_ns, wall_time, duration_ns */

#include "_fastscan_match.h" /* Wanted, Line, Scanner and match_lines() */

/* -- building the results (GIL held) ---------------------------------------------- */

static char *
scratch(Scanner *s, Py_ssize_t size)
{
    if (size > s->scratch_size) {
        char *grown = PyMem_Realloc(s->scratch, (size_t)size);
        if (grown == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        s->scratch = grown;
        s->scratch_size = size;
    }
    return s->scratch;
}

/* The reply's bytes: the last one of the same request again when unchanged; NULL with
 * no error set when a digit is not hex (the careful loader's). */
static PyObject *
reply_bytes(Scanner *s, Wanted *w, const char *hex, Py_ssize_t hex_len)
{
    Py_ssize_t size = hex_len / 2;
    char *out = scratch(s, size + 1);
    if (out == NULL)
        return NULL;
    int bad = 0;  /* HEX is -1 for a non-digit: any one makes it negative */
    for (Py_ssize_t i = 0; i < size; i++) {
        int high = HEX[(unsigned char)hex[2 * i]], low = HEX[(unsigned char)hex[2 * i + 1]];
        bad |= high | low;
        out[i] = (char)((unsigned)high << 4 | (unsigned)low);
    }
    if (bad < 0)
        return NULL;
    if (w->last_reply != NULL && PyBytes_GET_SIZE(w->last_reply) == size &&
        memcmp(PyBytes_AS_STRING(w->last_reply), out, (size_t)size) == 0)
        return Py_NewRef(w->last_reply);
    PyObject *reply = PyBytes_FromStringAndSize(out, size);
    if (reply != NULL)
        Py_XSETREF(w->last_reply, Py_NewRef(reply));
    return reply;
}

static PyObject *
command_text(Wanted *w, const char *name, Py_ssize_t len)
{
    if (w->last_command != NULL && PyUnicode_GET_LENGTH(w->last_command) == len &&
        memcmp(PyUnicode_DATA(w->last_command), name, (size_t)len) == 0)
        return Py_NewRef(w->last_command);
    PyObject *command = PyUnicode_DecodeASCII(name, len, NULL);
    if (command != NULL)
        Py_XSETREF(w->last_command, Py_NewRef(command));
    return command;
}

/* wall_time as float() reads it, `or 0.0`; 1: in 0..max_wall, 0: the loader refuses it. */
static int
wall_time(Scanner *s, const char *digits, Py_ssize_t len, double *out)
{
    char *copy = scratch(s, len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, digits, (size_t)len);
    copy[len] = '\0';
    char *end = NULL;
    double value = PyOS_string_to_double(copy, &end, NULL);  /* as float() reads it */
    if (value == -1.0 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError))
            return -1;
        PyErr_Clear();  /* (the grammar was checked: not expected) the loader decides */
        return 0;
    }
    if (end != copy + len)
        return 0;
    *out = value == 0.0 ? 0.0 : value;
    return 0.0 <= *out && *out <= s->max_wall;
}

/* The line's Read; NULL with no error set when the loader must read it after all. */
static PyObject *
build_read(Scanner *s, const char *data, const Line *line)
{
    double wall;
    int usable = wall_time(s, data + line->wall, line->wall_len, &wall);
    if (usable < 0)
        return NULL;
    if (!usable)
        return NULL;  /* no error set: the careful loader's */
    Wanted *w = &s->wanted[line->wanted];
    PyObject *read = s->read_type->tp_alloc(s->read_type, READ_FIELDS);
    if (read == NULL)
        return NULL;
    /* filled in order, stopping at the first failure (a NULL item is skipped by dealloc) */
    PyObject *item = Py_NewRef(w->key);
    for (int i = 0; item != NULL; i++) {
        PyTuple_SET_ITEM(read, i, item);
        if (i == READ_FIELDS - 1) {
            PyObject_GC_UnTrack(read);  /* str, bytes, int, float: it can hold no cycle */
            return read;
        }
        switch (i + 1) {
        case 1: item = command_text(w, data + line->command, line->command_len); break;
        case 2: item = Py_NewRef(w->request); break;
        case 3: item = reply_bytes(s, w, data + line->reply, line->reply_len); break;
        case 4: item = PyLong_FromLongLong(line->mono); break;
        case 5: item = PyFloat_FromDouble(wall); break;
        default: item = PyLong_FromLongLong(line->duration); break;
        }
    }
    Py_DECREF(read);
    return NULL;
}

PyDoc_STRVAR(scan_doc,
"scan(buffer, position, final) -> (items, position, deferred)\n\n"
"The records of the whole lines of `buffer` (bytes) from `position` (and its unterminated\n"
"rest when `final`), up to `batch` items: a Read for each successful reply to a wanted\n"
"request, the record index (int) of each line the careful loader must read (`deferred`\n"
"of them).  Call again from the returned position while a full batch comes back.");

static PyObject *
Scanner_scan(Scanner *s, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyBytes_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "scan() takes a bytes buffer, a position and final");
        return NULL;
    }
    Py_ssize_t position = PyLong_AsSsize_t(args[1]);
    if (position == -1 && PyErr_Occurred())
        return NULL;
    int final = PyObject_IsTrue(args[2]);
    if (final < 0)
        return NULL;
    PyObject *buffer = args[0];
    Py_ssize_t size = PyBytes_GET_SIZE(buffer);
    if (position < 0 || position > size) {
        PyErr_SetString(PyExc_ValueError, "position is outside the buffer");
        return NULL;
    }
    if (s->lines == NULL || s->read_type == NULL) {  /* (or cleared by the GC) */
        PyErr_SetString(PyExc_RuntimeError, "the Scanner was never initialised");
        return NULL;
    }
    if (s->busy) {
        PyErr_SetString(PyExc_RuntimeError, "scan() is already running on this Scanner");
        return NULL;
    }
    const char *data = PyBytes_AS_STRING(buffer);
    Py_ssize_t count;
    s->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    count = match_lines(s, data, size, &position, final);
    Py_END_ALLOW_THREADS
    PyObject *result = NULL, *at = NULL, *deferred = NULL, *items = PyList_New(count);
    Py_ssize_t indexes = 0;
    for (Py_ssize_t i = 0; items != NULL && i < count; i++) {
        const Line *line = &s->lines[i];  /* still ours: busy until the end */
        PyObject *item = line->kind == READ ? build_read(s, data, line) : NULL;
        if (item == NULL && !PyErr_Occurred()) {  /* the careful loader's */
            item = PyLong_FromSsize_t(line->index);
            indexes++;
        }
        if (item == NULL)
            Py_CLEAR(items);
        else
            PyList_SET_ITEM(items, i, item);
    }
    if (items != NULL && (at = PyLong_FromSsize_t(position)) != NULL &&
        (deferred = PyLong_FromSsize_t(indexes)) != NULL)
        result = PyTuple_Pack(3, items, at, deferred);
    Py_XDECREF(items);
    Py_XDECREF(at);
    Py_XDECREF(deferred);
    s->busy = 0;
    return result;
}

PyDoc_STRVAR(take_index_doc,
"take_index() -> int\n\nThe next record's index, counted as read (a line too long to scan).");

static PyObject *
Scanner_take_index(Scanner *s, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromSsize_t(s->index++);
}

/* -- construction ---------------------------------------------------------------- */

static char *
copy_bytes(PyObject *value, Py_ssize_t *len)
{
    if (!PyBytes_Check(value)) {
        PyErr_Format(PyExc_TypeError, "expected bytes, got %.100s", Py_TYPE(value)->tp_name);
        return NULL;
    }
    *len = PyBytes_GET_SIZE(value);
    char *copy = PyMem_Malloc((size_t)*len + 1);
    if (copy == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(copy, PyBytes_AS_STRING(value), (size_t)*len + 1);
    return copy;
}

static int
read_type_fits(PyTypeObject *type)
{
    if (!PyType_IsSubtype(type, &PyTuple_Type) ||
        type->tp_basicsize != PyTuple_Type.tp_basicsize ||
        type->tp_itemsize != PyTuple_Type.tp_itemsize) {
        PyErr_SetString(PyExc_TypeError, "read_type must be a plain tuple subclass (a NamedTuple)");
        return 0;
    }
    PyObject *fields = PyObject_GetAttrString((PyObject *)type, "_fields");
    Py_ssize_t n = fields != NULL && PyTuple_Check(fields) ? PyTuple_GET_SIZE(fields) : -1;
    Py_XDECREF(fields);
    PyErr_Clear();
    if (n != READ_FIELDS) {
        PyErr_Format(PyExc_TypeError, "read_type must have %d fields", READ_FIELDS);
        return 0;
    }
    return 1;
}

static int
Scanner_init(Scanner *s, PyObject *args, PyObject *kwargs)
{
    PyObject *wanted, *scopes, *read_type;
    Py_ssize_t batch, long_line, max_hex, status_byte;
    unsigned long long u32_max, i64_max;
    double max_wall;
    static char *names[] = {"wanted", "scopes", "read_type", "batch", "long_line", "max_hex",
                            "status_byte", "u32_max", "i64_max", "max_wall", NULL};
    if (s->wanted != NULL || s->lines != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a Scanner is initialised once");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!O!nnnnKKd", names, &PyTuple_Type,
                                     &wanted, &PyTuple_Type, &scopes, &PyType_Type, &read_type,
                                     &batch, &long_line, &max_hex, &status_byte, &u32_max,
                                     &i64_max, &max_wall))
        return -1;
    if (batch < 1 || batch > (1 << 20) || long_line < 0 || max_hex < 0 || status_byte < 0 ||
        status_byte > (1 << 20) || i64_max > (unsigned long long)LLONG_MAX ||
        PyTuple_GET_SIZE(wanted) > (1 << 16)) {
        PyErr_SetString(PyExc_ValueError, "a Scanner limit is out of range");
        return -1;
    }
    if (!read_type_fits((PyTypeObject *)read_type))
        return -1;
    s->read_type = (PyTypeObject *)Py_NewRef(read_type);
    s->batch = batch, s->long_line = long_line, s->max_hex = max_hex;
    s->status_byte = status_byte, s->u32_max = u32_max, s->i64_max = i64_max;
    s->max_wall = max_wall;
    s->lines = PyMem_Calloc((size_t)batch, sizeof(Line));
    s->n_wanted = PyTuple_GET_SIZE(wanted);
    s->wanted = PyMem_Calloc((size_t)s->n_wanted + 1, sizeof(Wanted));
    s->n_scopes = PyTuple_GET_SIZE(scopes);
    s->scopes = PyMem_Calloc((size_t)s->n_scopes + 1, sizeof(char *));
    s->scope_len = PyMem_Calloc((size_t)s->n_scopes + 1, sizeof(Py_ssize_t));
    if (s->lines == NULL || s->wanted == NULL || s->scopes == NULL || s->scope_len == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < s->n_wanted; i++) {
        PyObject *entry = PyTuple_GET_ITEM(wanted, i);
        Wanted *w = &s->wanted[i];
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 3 ||
            !PyUnicode_Check(PyTuple_GET_ITEM(entry, 1)) ||
            !PyBytes_Check(PyTuple_GET_ITEM(entry, 2))) {
            PyErr_SetString(PyExc_TypeError, "wanted holds (hex: bytes, key: str, request: bytes)");
            return -1;
        }
        w->hex = copy_bytes(PyTuple_GET_ITEM(entry, 0), &w->hex_len);
        if (w->hex == NULL)
            return -1;
        w->key = Py_NewRef(PyTuple_GET_ITEM(entry, 1));
        w->request = Py_NewRef(PyTuple_GET_ITEM(entry, 2));
    }
    for (Py_ssize_t i = 0; i < s->n_scopes; i++) {
        s->scopes[i] = copy_bytes(PyTuple_GET_ITEM(scopes, i), &s->scope_len[i]);
        if (s->scopes[i] == NULL)
            return -1;
    }
    return 0;
}

static int
Scanner_traverse(Scanner *s, visitproc visit, void *arg)
{
    Py_VISIT(s->read_type);
    for (Py_ssize_t i = 0; s->wanted != NULL && i < s->n_wanted; i++) {
        Py_VISIT(s->wanted[i].key);
        Py_VISIT(s->wanted[i].request);
        Py_VISIT(s->wanted[i].last_reply);
        Py_VISIT(s->wanted[i].last_command);
    }
    return 0;
}

static int
Scanner_clear(Scanner *s)
{
    Py_CLEAR(s->read_type);
    for (Py_ssize_t i = 0; s->wanted != NULL && i < s->n_wanted; i++) {
        Py_CLEAR(s->wanted[i].key);
        Py_CLEAR(s->wanted[i].request);
        Py_CLEAR(s->wanted[i].last_reply);
        Py_CLEAR(s->wanted[i].last_command);
    }
    return 0;
}

static void
Scanner_dealloc(Scanner *s)
{
    PyObject_GC_UnTrack(s);
    Scanner_clear(s);
    for (Py_ssize_t i = 0; s->wanted != NULL && i < s->n_wanted; i++)
        PyMem_Free(s->wanted[i].hex);
    for (Py_ssize_t i = 0; s->scopes != NULL && i < s->n_scopes; i++)
        PyMem_Free(s->scopes[i]);
    PyMem_Free(s->wanted);
    PyMem_Free(s->scopes);
    PyMem_Free(s->scope_len);
    PyMem_Free(s->lines);
    PyMem_Free(s->scratch);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static PyObject *
Scanner_get_index(Scanner *s, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(s->index);
}

static PyGetSetDef Scanner_getset[] = {
    {"index", (getter)Scanner_get_index, NULL, "records counted so far", NULL},
    {NULL},
};

static PyMethodDef Scanner_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))Scanner_scan, METH_FASTCALL, scan_doc},
    {"take_index", (PyCFunction)Scanner_take_index, METH_NOARGS, take_index_doc},
    {NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fwctl_tui._fastscan.Scanner",
    .tp_doc = "The canonical lines of a watch capture, read without the careful loader.",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_traverse = (traverseproc)Scanner_traverse,
    .tp_clear = (inquiry)Scanner_clear,
    .tp_methods = Scanner_methods,
    .tp_getset = Scanner_getset,
};

static int
fastscan_exec(PyObject *module)
{
    memset(HEX, -1, sizeof HEX);
    for (int i = 0; i < 10; i++)
        HEX['0' + i] = (signed char)i;
    for (int i = 0; i < 6; i++)
        HEX['a' + i] = HEX['A' + i] = (signed char)(10 + i);
    if (PyType_Ready(&ScannerType) < 0)
        return -1;
    if (PyModule_AddObjectRef(module, "Scanner", (PyObject *)&ScannerType) < 0)
        return -1;
    return PyModule_AddStringConstant(module, "SOURCE_DIGEST", FASTSCAN_SOURCE_DIGEST);
}

static PyModuleDef_Slot fastscan_slots[] = {
    {Py_mod_exec, fastscan_exec},
    {0, NULL},
};

static struct PyModuleDef fastscan_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "fwctl_tui._fastscan",
    .m_doc = "The compiled line scan of a watch capture (twin: monitor/linescan.py).",
    .m_size = 0,
    .m_slots = fastscan_slots,
};

PyMODINIT_FUNC
PyInit__fastscan(void)
{
    return PyModuleDef_Init(&fastscan_module);
}
