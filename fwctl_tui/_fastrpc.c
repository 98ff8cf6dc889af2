/* _fastrpc: the compiled half of the ioctl layer (see ioctl.py).
 *
 * One RpcCall per FwctlDevice issues FWCTL_RPC with no allocation: it copies the
 * request into the device's input buffer, fills struct fwctl_rpc, reads the clock,
 * issues the ioctl, reads the clock again and keeps errno and out_len.  A live device
 * calls ioctl(2) directly with the GIL released (a slow firmware command never blocks
 * the UI thread).  An injected Python ioctl (the kernel emulator, test doubles) is
 * called with the same (fd, request, address) arguments, so simulated RPCs run this
 * same marshalling.
 *
 * The struct layout is not written down here: the field offsets come from ioctl.py,
 * which takes them from the uAPI facts.  marshal.py is the pure-Python twin used where
 * this file could not be compiled; the tests run both.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if PY_VERSION_HEX < 0x030C0000 /* the member constants got Py_ names in 3.12 */
#include <structmember.h>
#define Py_T_INT T_INT
#define Py_T_UINT T_UINT
#define Py_T_LONGLONG T_LONGLONG
#define Py_READONLY READONLY
#endif

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#ifndef FASTRPC_SOURCE_DIGEST
#define FASTRPC_SOURCE_DIGEST "unknown"
#endif

/* call() results below zero: nothing reached the kernel. */
enum { GROW = -1, BAD_ARGUMENTS = -2 };

/* struct fwctl_rpc fields written or read per call, in the order of `offsets`. */
enum { F_SCOPE, F_IN_LEN, F_OUT_LEN, F_IN, F_OUT, N_FIELDS };

typedef struct {
    PyObject_HEAD
    int fd;
    unsigned long request_code;
    uint32_t max_len;            /* the kernel's in/out limit: no buffer is grown past it */
    Py_ssize_t offsets[N_FIELDS];
    Py_buffer rpc, in, out;      /* views of the device's ctypes memory, kept alive here */
    int have_buffers;
    int in_call;                 /* set during call(): the buffers must not change under it */
    PyObject *ioctl;             /* NULL: ioctl(2) directly */
    PyObject *clock;             /* NULL: CLOCK_MONOTONIC */
    PyObject *ioctl_args[3];     /* fd, request code and struct address, for `ioctl` */
    /* what the last call sent and got back */
    int err;
    unsigned int scope, in_len, out_cap, out_len;
    long long elapsed_ns;
} RpcCall;

static int
as_u32(PyObject *value, uint32_t *out)
{
    if (!PyLong_Check(value))
        return 0;
    unsigned long v = PyLong_AsUnsignedLong(value);
    if (PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    if (v > UINT32_MAX)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

static int
read_clock(RpcCall *self, long long *ns)
{
    if (self->clock == NULL) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        *ns = (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
        return 0;
    }
    PyObject *value = PyObject_CallNoArgs(self->clock);
    if (value == NULL)
        return -1;
    *ns = PyLong_AsLongLong(value);
    Py_DECREF(value);
    return (*ns == -1 && PyErr_Occurred()) ? -1 : 0;
}

static void
put_u32(RpcCall *self, int field, uint32_t value)
{
    memcpy((char *)self->rpc.buf + self->offsets[field], &value, sizeof value);
}

static void
put_u64(RpcCall *self, int field, uint64_t value)
{
    memcpy((char *)self->rpc.buf + self->offsets[field], &value, sizeof value);
}

/* Call the injected ioctl; its result is 0 or an errno, as ioctl.IoctlFn documents. */
static int
call_python_ioctl(RpcCall *self, int *err)
{
    PyObject *result = PyObject_Vectorcall(self->ioctl, self->ioctl_args, 3, NULL);
    if (result == NULL)
        return -1;
    int overflow = 0;
    long value = PyLong_Check(result) ? PyLong_AsLongAndOverflow(result, &overflow) : -1;
    if (overflow || value < 0 || value > INT_MAX) {
        PyErr_Format(PyExc_ValueError,
                     "ioctl_fn returned %R: it must return 0 or an errno value", result);
        Py_DECREF(result);
        return -1;
    }
    Py_DECREF(result);
    *err = (int)value;
    return 0;
}

PyDoc_STRVAR(call_doc,
"call(scope, request, out_cap) -> errno (0 on success), GROW or BAD_ARGUMENTS\n\n"
"GROW: the request or out_cap (up to max_len) does not fit the buffers; grow them\n"
"with set_buffers() and call again.  BAD_ARGUMENTS: scope or out_cap is not a u32,\n"
"or the request is not a contiguous bytes-like object.  Neither reaches the kernel.\n"
"Past max_len no buffer is used: the kernel gets the length with a NULL pointer.");

static PyObject *
RpcCall_call(RpcCall *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "call() takes scope, request and out_cap");
        return NULL;
    }
    if (!self->have_buffers || self->rpc.obj == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "set_buffers() was never called");
        return NULL;
    }
    if (self->in_call) {
        PyErr_SetString(PyExc_RuntimeError, "call() is already running on this RpcCall");
        return NULL;
    }
    uint32_t scope, out_cap;
    if (!as_u32(args[0], &scope) || !as_u32(args[2], &out_cap))
        return PyLong_FromLong(BAD_ARGUMENTS);
    Py_buffer request;
    if (PyObject_GetBuffer(args[1], &request, PyBUF_SIMPLE) < 0) {
        PyErr_Clear();
        return PyLong_FromLong(BAD_ARGUMENTS);
    }
    if ((size_t)request.len > UINT32_MAX) {
        PyBuffer_Release(&request);
        return PyLong_FromLong(BAD_ARGUMENTS);
    }
    /* Past max_len a length goes to the kernel with a NULL pointer: it answers EMSGSIZE
     * before reading or writing, and nothing is grown only to be refused. */
    int in_detached = request.len > self->max_len;
    int out_detached = out_cap > self->max_len;
    if ((!in_detached && request.len > self->in.len) ||
        (!out_detached && out_cap > self->out.len)) {
        PyBuffer_Release(&request);
        return PyLong_FromLong(GROW);
    }
    uint32_t in_len = (uint32_t)request.len;
    if (!in_detached)
        memmove(self->in.buf, request.buf, in_len);  /* the request may view the buffer */
    PyBuffer_Release(&request);

    put_u32(self, F_SCOPE, scope);
    put_u32(self, F_IN_LEN, in_len);
    put_u32(self, F_OUT_LEN, out_cap);
    put_u64(self, F_IN, in_detached ? 0 : (uint64_t)(uintptr_t)self->in.buf);
    put_u64(self, F_OUT, out_detached ? 0 : (uint64_t)(uintptr_t)self->out.buf);

    long long start, end;
    int err = 0, failed = 0;
    self->in_call = 1;  /* from here on, a clock or an injected ioctl may run Python */
    if (read_clock(self, &start) < 0)
        failed = 1;
    else if (self->ioctl == NULL) {
        Py_BEGIN_ALLOW_THREADS
        if (ioctl(self->fd, self->request_code, self->rpc.buf) < 0)
            err = errno;
        Py_END_ALLOW_THREADS
    }
    else if (call_python_ioctl(self, &err) < 0)
        failed = 1;
    if (!failed && read_clock(self, &end) < 0)
        failed = 1;
    self->in_call = 0;
    if (failed)
        return NULL;

    uint32_t out_len = 0;
    if (!err)
        memcpy(&out_len, (char *)self->rpc.buf + self->offsets[F_OUT_LEN], sizeof out_len);
    self->err = err;
    self->scope = scope;
    self->in_len = in_len;
    self->out_cap = out_cap;
    self->out_len = out_len;
    self->elapsed_ns = end - start;
    return PyLong_FromLong(err);  /* errno values are small ints: cached, not allocated */
}

PyDoc_STRVAR(set_buffers_doc,
"set_buffers(in_buffer, out_buffer)\n\n"
"Writable buffers the request is copied into and the reply is written to; their\n"
"lengths are the capacities.  Each stays alive while it is in use here.");

static PyObject *
RpcCall_set_buffers(RpcCall *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "set_buffers() takes in_buffer and out_buffer");
        return NULL;
    }
    if (self->in_call) {
        PyErr_SetString(PyExc_RuntimeError, "set_buffers() during call(): the kernel may "
                        "be using the buffers");
        return NULL;
    }
    Py_buffer in, out;
    if (PyObject_GetBuffer(args[0], &in, PyBUF_WRITABLE) < 0)
        return NULL;
    if (PyObject_GetBuffer(args[1], &out, PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&in);
        return NULL;
    }
    if (self->have_buffers) {
        PyBuffer_Release(&self->in);
        PyBuffer_Release(&self->out);
    }
    self->in = in;
    self->out = out;
    self->have_buffers = 1;
    Py_RETURN_NONE;
}

static PyObject *
RpcCall_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"fd", "request_code", "rpc", "offsets", "max_len", "ioctl",
                            "clock", NULL};
    int fd;
    unsigned long request_code;
    PyObject *rpc, *offsets, *ioctl_fn, *clock;
    unsigned int max_len;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ikOOIOO:RpcCall", names, &fd,
                                     &request_code, &rpc, &offsets, &max_len, &ioctl_fn,
                                     &clock))
        return NULL;
    Py_ssize_t offs[N_FIELDS];
    if (!PyArg_ParseTuple(offsets, "nnnnn;offsets must be (scope, in_len, out_len, in, out)",
                          &offs[0], &offs[1], &offs[2], &offs[3], &offs[4]))
        return NULL;
    if (ioctl_fn != Py_None && !PyCallable_Check(ioctl_fn)) {
        PyErr_SetString(PyExc_TypeError, "ioctl must be callable or None");
        return NULL;
    }
    if (clock != Py_None && !PyCallable_Check(clock)) {
        PyErr_SetString(PyExc_TypeError, "clock must be callable or None");
        return NULL;
    }
    RpcCall *self = (RpcCall *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    if (PyObject_GetBuffer(rpc, &self->rpc, PyBUF_WRITABLE) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    for (int i = 0; i < N_FIELDS; i++) {
        Py_ssize_t width = i < F_IN ? 4 : 8;
        if (offs[i] < 0 || offs[i] > self->rpc.len - width) {
            PyErr_Format(PyExc_ValueError, "offset %zd of field %d lies outside the %zd-byte "
                         "struct", offs[i], i, self->rpc.len);
            Py_DECREF(self);
            return NULL;
        }
        self->offsets[i] = offs[i];
    }
    self->fd = fd;
    self->request_code = request_code;
    self->max_len = max_len;
    if (ioctl_fn != Py_None)
        self->ioctl = Py_NewRef(ioctl_fn);
    if (clock != Py_None)
        self->clock = Py_NewRef(clock);
    self->ioctl_args[0] = PyLong_FromLong(fd);
    self->ioctl_args[1] = PyLong_FromUnsignedLong(request_code);
    self->ioctl_args[2] = PyLong_FromVoidPtr(self->rpc.buf);
    if (!self->ioctl_args[0] || !self->ioctl_args[1] || !self->ioctl_args[2]) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static int
RpcCall_traverse(RpcCall *self, visitproc visit, void *arg)
{
    Py_VISIT(self->ioctl);
    Py_VISIT(self->clock);
    Py_VISIT(self->rpc.obj);
    if (self->have_buffers) {
        Py_VISIT(self->in.obj);
        Py_VISIT(self->out.obj);
    }
    return 0;
}

static int
RpcCall_clear(RpcCall *self)
{
    Py_CLEAR(self->ioctl);
    Py_CLEAR(self->clock);
    for (int i = 0; i < 3; i++)
        Py_CLEAR(self->ioctl_args[i]);
    if (self->have_buffers) {
        self->have_buffers = 0;
        PyBuffer_Release(&self->in);
        PyBuffer_Release(&self->out);
    }
    if (self->rpc.obj != NULL)
        PyBuffer_Release(&self->rpc);
    return 0;
}

static void
RpcCall_dealloc(RpcCall *self)
{
    PyObject_GC_UnTrack(self);
    RpcCall_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef RpcCall_methods[] = {
    {"call", (PyCFunction)(void (*)(void))RpcCall_call, METH_FASTCALL, call_doc},
    {"set_buffers", (PyCFunction)(void (*)(void))RpcCall_set_buffers, METH_FASTCALL,
     set_buffers_doc},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef RpcCall_members[] = {
    {"errno", Py_T_INT, offsetof(RpcCall, err), Py_READONLY, "errno of the last call, 0 = ok"},
    {"scope", Py_T_UINT, offsetof(RpcCall, scope), Py_READONLY, "scope of the last call"},
    {"in_len", Py_T_UINT, offsetof(RpcCall, in_len), Py_READONLY, "request bytes sent"},
    {"out_cap", Py_T_UINT, offsetof(RpcCall, out_cap), Py_READONLY,
     "reply buffer length offered"},
    {"out_len", Py_T_UINT, offsetof(RpcCall, out_len), Py_READONLY,
     "reply length the kernel reported (0 after an errno)"},
    {"elapsed_ns", Py_T_LONGLONG, offsetof(RpcCall, elapsed_ns), Py_READONLY,
     "time spent in the ioctl"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject RpcCallType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fwctl_tui._fastrpc.RpcCall",
    .tp_doc = PyDoc_STR("One device's reusable FWCTL_RPC call and the record of the last one."),
    .tp_basicsize = sizeof(RpcCall),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = RpcCall_new,
    .tp_dealloc = (destructor)RpcCall_dealloc,
    .tp_traverse = (traverseproc)RpcCall_traverse,
    .tp_clear = (inquiry)RpcCall_clear,
    .tp_methods = RpcCall_methods,
    .tp_members = RpcCall_members,
};

static int
fastrpc_exec(PyObject *module)
{
    if (PyType_Ready(&RpcCallType) < 0)
        return -1;
    if (PyModule_AddObjectRef(module, "RpcCall", (PyObject *)&RpcCallType) < 0)
        return -1;
    if (PyModule_AddIntConstant(module, "GROW", GROW) < 0 ||
        PyModule_AddIntConstant(module, "BAD_ARGUMENTS", BAD_ARGUMENTS) < 0 ||
        PyModule_AddStringConstant(module, "SOURCE_DIGEST", FASTRPC_SOURCE_DIGEST) < 0)
        return -1;
    return 0;
}

static PyModuleDef_Slot fastrpc_slots[] = {
    {Py_mod_exec, fastrpc_exec},
    {0, NULL},
};

static struct PyModuleDef fastrpc_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "fwctl_tui._fastrpc",
    .m_doc = "The compiled FWCTL_RPC marshalling behind fwctl_tui.ioctl.",
    .m_size = 0,
    .m_slots = fastrpc_slots,
};

PyMODINIT_FUNC
PyInit__fastrpc(void)
{
    return PyModuleDef_Init(&fastrpc_module);
}
