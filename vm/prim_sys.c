/* prim_sys.c: the Sys module's primitives (files, environment, command
 * line, time, platform constants).  Everything goes through port.h; a port
 * without a file system reports its calls as failed, giving Sys_error. */
#include "prim.h"
#include "vm.h"

/* glibc's wording, for errors detected here rather than by the port. */
#define MSG_NO_ENTRY "No such file or directory"
#define MSG_INVALID "Invalid argument"

/* Raises Sys_error "<arg>: <msg>", like ocamlrun's errors naming a file. */
static noreturn void sys_error_named(value arg, const char *msg)
{
  UC_ROOTS1(arg);
  size_t arg_len = string_length(arg), msg_len = strlen(msg);
  value s = uc_alloc_string(arg_len + 2 + msg_len);
  memcpy(string_ptr(s), string_ptr(arg), arg_len);
  memcpy(string_ptr(s) + arg_len, ": ", 2);
  memcpy(string_ptr(s) + arg_len + 2, msg, msg_len);
  uc_raise_sys_error(s);
}

static noreturn void sys_error_code(value arg, int err)
{
  sys_error_named(arg, port_error_message(err));
}

/* OCaml strings are NUL-terminated in memory; a NUL inside makes them
 * unusable as C strings. */
static int is_c_safe(value s)
{
  /* (and an ill-typed non-string must not send strlen off its end) */
  if (!is_block(s) || !uc_in_value_area(s) || tag_val(s) != STRING_TAG) return 0;
  return strlen(string_ptr(s)) == string_length(s);
}

/* The path as a C string, valid until the next allocation. */
static const char *checked_path(value path)
{
  if (!is_c_safe(path)) sys_error_named(path, MSG_NO_ENTRY);
  return string_ptr(path);
}

/* ---- Files and directories ---- */

/* Stdlib.open_flag, in constructor order. */
enum { OPEN_RDONLY, OPEN_WRONLY, OPEN_APPEND, OPEN_CREAT, OPEN_TRUNC,
       OPEN_EXCL, OPEN_BINARY, OPEN_TEXT, OPEN_NONBLOCK };

static int port_open_flags(value list)
{
  int wronly = 0, extra = 0;
  for (; list != VAL_EMPTYLIST; list = field(list, 1)) {
    switch (int_val(field(list, 0))) {
    case OPEN_WRONLY: wronly = 1; break;
    case OPEN_APPEND: wronly = 1; extra |= PORT_O_APPEND; break;
    case OPEN_CREAT: extra |= PORT_O_CREAT; break;
    case OPEN_TRUNC: extra |= PORT_O_TRUNC; break;
    case OPEN_EXCL: extra |= PORT_O_EXCL; break;
    case OPEN_NONBLOCK: extra |= PORT_O_NONBLOCK; break;
    default: break;   /* read-only is the default; binary/text mean nothing */
    }
  }
  /* As with POSIX O_RDONLY == 0: read-only plus write-only is write-only. */
  return (wronly ? PORT_O_WRONLY : PORT_O_RDONLY) | extra;
}

PRIM value caml_sys_open(value path, value flags, value perm)
{
  int fd = port_open(checked_path(path), port_open_flags(flags), int_val(perm));
  if (fd < 0) sys_error_code(path, -fd);
  return val_int(fd);
}

PRIM value caml_sys_close(value fd)
{
  port_close(int_val(fd));   /* errors are ignored, as in ocamlrun */
  return VAL_UNIT;
}

PRIM value caml_sys_file_exists(value path)
{
  if (!is_c_safe(path)) return VAL_FALSE;
  return val_bool(port_file_exists(string_ptr(path)) > 0);
}

PRIM value caml_sys_is_directory(value path)
{
  int r = port_is_directory(checked_path(path));
  if (r < 0) sys_error_code(path, -r);
  return val_bool(r);
}

PRIM value caml_sys_remove(value path)
{
  int r = port_remove(checked_path(path));
  if (r < 0) sys_error_code(path, -r);
  return VAL_UNIT;
}

PRIM value caml_sys_rename(value from, value to)
{
  const char *f = checked_path(from), *t = checked_path(to);
  int r = port_rename(f, t);
  if (r < 0) uc_sys_error(NULL, -r);
  return VAL_UNIT;
}

PRIM value caml_sys_chdir(value path)
{
  int r = port_chdir(checked_path(path));
  if (r < 0) sys_error_code(path, -r);
  return VAL_UNIT;
}

PRIM value caml_sys_mkdir(value path, value perm)
{
  int r = port_mkdir(checked_path(path), int_val(perm));
  if (r < 0) sys_error_code(path, -r);
  return VAL_UNIT;
}

PRIM value caml_sys_rmdir(value path)
{
  int r = port_rmdir(checked_path(path));
  if (r < 0) sys_error_code(path, -r);
  return VAL_UNIT;
}

PRIM value caml_sys_getcwd(value unit)
{
  char buf[4096];
  int r = port_getcwd(buf, sizeof buf);
  if (r < 0) uc_sys_error(NULL, -r);
  return uc_copy_string(buf);
}

/* Directory entries are gathered outside the heap first: the port's
 * callback must not allocate OCaml values. */
struct name_list {
  char **names;
  size_t count, capacity;
  int failed;
};

static char *copy_c_string(const char *s)
{
  size_t n = strlen(s) + 1;
  char *p = port_alloc(n);
  if (p != NULL) memcpy(p, s, n);
  return p;
}

static void add_name(const char *name, void *ctx)
{
  struct name_list *l = ctx;
  if (l->failed) return;
  if (l->count + 1 >= l->capacity) {   /* keep room for the final NULL */
    size_t cap = l->capacity ? 2 * l->capacity : 32;
    char **grown = port_realloc(l->names, cap * sizeof *grown);
    if (grown == NULL) { l->failed = 1; return; }
    l->names = grown;
    l->capacity = cap;
  }
  char *copy = copy_c_string(name);
  if (copy == NULL) { l->failed = 1; return; }
  l->names[l->count++] = copy;
}

static void free_names(struct name_list *l)
{
  for (size_t i = 0; i < l->count; i++) port_free(l->names[i]);
  port_free(l->names);
}

/* Builds the array, freeing the list even if allocation raises. */
static value names_to_array(struct name_list *l)
{
  value arr = VAL_UNIT, s = VAL_UNIT;
  UC_ROOTS2(arr, s);
  arr = l->count == 0 ? atom(0) : uc_alloc(l->count, 0);
  for (size_t i = 0; i < l->count; i++) {
    s = uc_copy_string(l->names[i]);
    store_field(arr, i, s);
  }
  UC_RETURN(arr);
}

PRIM value caml_sys_read_directory(value path)
{
  struct name_list l = {NULL, 0, 0, 0};
  int r = port_readdir(checked_path(path), add_name, &l);
  if (r < 0 || l.failed) {
    free_names(&l);
    if (r < 0) sys_error_code(path, -r);
    uc_raise_out_of_memory();
  }
  /* A heap exhaustion here leaks the list, which is then the least issue. */
  value arr = names_to_array(&l);
  free_names(&l);
  return arr;
}

PRIM value caml_sys_system_command(value command)
{
  if (!is_c_safe(command)) sys_error_named(command, MSG_INVALID);
  int status = port_system(string_ptr(command));
  if (status < 0) sys_error_code(command, -status);
  return val_int(status);
}

/* ---- Environment, command line, process ---- */

static value getenv_or_raise(value name)
{
  if (!is_c_safe(name)) uc_raise_not_found();
  const char *v = port_getenv(string_ptr(name));
  if (v == NULL) uc_raise_not_found();
  return uc_copy_string(v);
}

PRIM value caml_sys_getenv(value name)
{
  return getenv_or_raise(name);
}

PRIM value caml_sys_unsafe_getenv(value name)
{
  return getenv_or_raise(name);
}

/* Sys.argv, built on first use; Arg may replace it (caml_sys_modify_argv). */
static value main_argv = VAL_UNIT;
static int main_argv_ready;

static value build_argv(void)
{
  value arr = VAL_UNIT, s = VAL_UNIT;
  UC_ROOTS2(arr, s);
  arr = uc_argc <= 0 ? atom(0) : uc_alloc((mlsize_t)uc_argc, 0);
  for (int i = 0; i < uc_argc; i++) {
    s = uc_copy_string(uc_argv[i]);
    store_field(arr, (mlsize_t)i, s);
  }
  UC_RETURN(arr);
}

static value current_argv(void)
{
  if (!main_argv_ready) {
    uc_register_root(&main_argv);
    main_argv_ready = 1;
    main_argv = build_argv();
  }
  return main_argv;
}

static const char *exe_name(void)
{
  return uc_exe_name != NULL ? uc_exe_name : "";
}

PRIM value caml_sys_argv(value unit)
{
  return current_argv();
}

PRIM value caml_sys_get_argv(value unit)
{
  value argv = current_argv(), name = VAL_UNIT;
  UC_ROOTS2(argv, name);
  name = uc_copy_string(exe_name());
  value pair = uc_alloc_small(2, 0);
  field(pair, 0) = name;
  field(pair, 1) = argv;
  UC_RETURN(pair);
}

PRIM value caml_sys_modify_argv(value new_argv)
{
  current_argv();   /* registers the root */
  main_argv = new_argv;
  return VAL_UNIT;
}

PRIM value caml_sys_executable_name(value unit)
{
  return uc_copy_string(exe_name());
}

PRIM value caml_sys_exit(value status)
{
  uc_at_exit();
  port_exit(int_val(status));
}

PRIM value caml_sys_time(value unit)
{
  return uc_copy_double(port_cpu_time());
}

/* Children's time is not available through the port; only the process's
 * own is counted. */
PRIM value caml_sys_time_include_children(value include_children)
{
  return uc_copy_double(port_cpu_time());
}

#define SEED_WORDS 12

PRIM value caml_sys_random_seed(value unit)
{
  uint32_t words[SEED_WORDS];
  port_random_seed(words, SEED_WORDS);
  value arr = uc_alloc_small(SEED_WORDS, 0);
  /* 30 bits per entry fit an OCaml int on every word size. */
  for (int i = 0; i < SEED_WORDS; i++) field(arr, i) = val_long(words[i] & 0x3FFFFFFF);
  return arr;
}

/* ---- Platform constants ---- */

static int os_type_is(const char *name)
{
  return strcmp(port_os_type(), name) == 0;
}

PRIM value caml_sys_get_config(value unit)
{
  value os = uc_copy_string(port_os_type());
  UC_ROOTS1(os);
  value cfg = uc_alloc_small(3, 0);
  field(cfg, 0) = os;
  field(cfg, 1) = val_long(WORD_BITS);
  field(cfg, 2) = VAL_FALSE;   /* supported targets are little-endian */
  UC_RETURN(cfg);
}

PRIM value caml_sys_const_big_endian(value unit) { return VAL_FALSE; }
PRIM value caml_sys_const_word_size(value unit) { return val_long(WORD_BITS); }
PRIM value caml_sys_const_int_size(value unit) { return val_long(WORD_BITS - 1); }
PRIM value caml_sys_const_max_wosize(value unit) { return val_long(MAX_WOSIZE); }
PRIM value caml_sys_const_ostype_unix(value unit) { return val_bool(os_type_is("Unix")); }
PRIM value caml_sys_const_ostype_win32(value unit) { return val_bool(os_type_is("Win32")); }
PRIM value caml_sys_const_ostype_cygwin(value unit) { return val_bool(os_type_is("Cygwin")); }
PRIM value caml_sys_const_backend_type(value unit) { return val_int(1); /* Bytecode */ }
PRIM value caml_sys_const_naked_pointers_checked(value unit) { return VAL_FALSE; }
