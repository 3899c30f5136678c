package capi

// The C half of reproducible runs: host functions that shadow WASI's wall
// clock and random interfaces (components) and clock_time_get and
// random_get (preview1 modules). They ask Go for the values through the
// store's data, a cgo.Handle of its *hostState (see fixed.go).

/*
#include <string.h>
#include "capi.h"

extern int wtFixedWallClock(uintptr_t store, uint64_t *secs, uint32_t *nanos);
extern int wtFixedRandom(uintptr_t store, uint8_t *buf, size_t n);
extern int wtFixedClockTime(uintptr_t store, int32_t id, uint64_t *ns);

// wt_max_random_bytes bounds one get-random-bytes call: each byte of the
// result is a 32-byte value in the C API, so a guest asking for 2^40 bytes
// would otherwise exhaust the host. Real callers ask for a few hundred.
#define wt_max_random_bytes (1 << 20)

static uintptr_t wt_store_of(wasmtime_context_t *cx) {
  return (uintptr_t)wasmtime_context_get_data(cx);
}

static void wt_set_u64(wasmtime_component_val_t *v, uint64_t x) {
  v->kind = WASMTIME_COMPONENT_U64;
  v->of.u64 = x;
}

static void wt_set_datetime(wasmtime_component_val_t *v, uint64_t secs, uint32_t nanos) {
  v->kind = WASMTIME_COMPONENT_RECORD;
  wasmtime_component_valrecord_new_uninit(&v->of.record, 2);
  wasmtime_component_valrecord_entry_t *e = v->of.record.data;
  wasm_byte_vec_new(&e[0].name, 7, "seconds");
  wt_set_u64(&e[0].val, secs);
  wasm_byte_vec_new(&e[1].name, 11, "nanoseconds");
  e[1].val.kind = WASMTIME_COMPONENT_U32;
  e[1].val.of.u32 = nanos;
}

static wasmtime_error_t *wt_failed(const char *what) {
  return wasmtime_error_new(what);
}

static bool wt_random_u64(wasmtime_context_t *cx, uint64_t *x) {
  uint8_t b[8];
  if (wtFixedRandom(wt_store_of(cx), b, 8) != 0) return false;
  *x = 0;
  for (int i = 7; i >= 0; i--) *x = (*x << 8) | b[i];
  return true;
}

static wasmtime_error_t *wt_wall_now(void *env, wasmtime_context_t *cx,
                                     const wasmtime_component_func_type_t *ty,
                                     wasmtime_component_val_t *args, size_t nargs,
                                     wasmtime_component_val_t *res, size_t nres) {
  uint64_t secs;
  uint32_t nanos;
  if (nres != 1 || wtFixedWallClock(wt_store_of(cx), &secs, &nanos) != 0)
    return wt_failed("wasmtasks: fixed wall clock: no reproducible state in this store");
  wt_set_datetime(res, secs, nanos);
  return NULL;
}

static wasmtime_error_t *wt_wall_resolution(void *env, wasmtime_context_t *cx,
                                            const wasmtime_component_func_type_t *ty,
                                            wasmtime_component_val_t *args, size_t nargs,
                                            wasmtime_component_val_t *res, size_t nres) {
  if (nres != 1) return wt_failed("wasmtasks: fixed wall clock: bad signature");
  wt_set_datetime(res, 0, 1);
  return NULL;
}

static wasmtime_error_t *wt_random_bytes(void *env, wasmtime_context_t *cx,
                                         const wasmtime_component_func_type_t *ty,
                                         wasmtime_component_val_t *args, size_t nargs,
                                         wasmtime_component_val_t *res, size_t nres) {
  if (nargs != 1 || args[0].kind != WASMTIME_COMPONENT_U64 || nres != 1)
    return wt_failed("wasmtasks: seeded random: bad signature");
  uint64_t n = args[0].of.u64;
  if (n > wt_max_random_bytes)
    return wt_failed("wasmtasks: seeded random: a guest asked for more than 1 MiB of random "
                     "bytes in one call");
  uint8_t *buf = malloc(n ? n : 1);
  if (buf == NULL || wtFixedRandom(wt_store_of(cx), buf, n) != 0) {
    free(buf);
    return wt_failed("wasmtasks: seeded random: no reproducible state in this store");
  }
  res->kind = WASMTIME_COMPONENT_LIST;
  wasmtime_component_vallist_new_uninit(&res->of.list, n);
  for (uint64_t i = 0; i < n; i++) {
    memset(&res->of.list.data[i], 0, sizeof(wasmtime_component_val_t));
    res->of.list.data[i].kind = WASMTIME_COMPONENT_U8;
    res->of.list.data[i].of.u8 = buf[i];
  }
  free(buf);
  return NULL;
}

static wasmtime_error_t *wt_random_u64_fn(void *env, wasmtime_context_t *cx,
                                          const wasmtime_component_func_type_t *ty,
                                          wasmtime_component_val_t *args, size_t nargs,
                                          wasmtime_component_val_t *res, size_t nres) {
  uint64_t x;
  if (nres != 1 || !wt_random_u64(cx, &x))
    return wt_failed("wasmtasks: seeded random: no reproducible state in this store");
  wt_set_u64(res, x);
  return NULL;
}

static wasmtime_error_t *wt_insecure_seed(void *env, wasmtime_context_t *cx,
                                          const wasmtime_component_func_type_t *ty,
                                          wasmtime_component_val_t *args, size_t nargs,
                                          wasmtime_component_val_t *res, size_t nres) {
  uint64_t a, b;
  if (nres != 1 || !wt_random_u64(cx, &a) || !wt_random_u64(cx, &b))
    return wt_failed("wasmtasks: seeded random: no reproducible state in this store");
  res->kind = WASMTIME_COMPONENT_TUPLE;
  wasmtime_component_valtuple_new_uninit(&res->of.tuple, 2);
  memset(res->of.tuple.data, 0, 2 * sizeof(wasmtime_component_val_t));
  wt_set_u64(&res->of.tuple.data[0], a);
  wt_set_u64(&res->of.tuple.data[1], b);
  return NULL;
}

typedef struct {
  const char *name;
  wasmtime_component_func_callback_t cb;
} wt_func_def;

// wt_shadow_instance defines one WASI interface anew, all its functions in
// one instance: a second add_instance of the same name would replace the
// first with an empty one.
static wasmtime_error_t *wt_shadow_instance(wasmtime_component_linker_instance_t *root,
                                            const char *iface, const wt_func_def *fns, int n) {
  wasmtime_component_linker_instance_t *inst = NULL;
  wasmtime_error_t *err =
      wasmtime_component_linker_instance_add_instance(root, iface, strlen(iface), &inst);
  if (err != NULL) return err;
  for (int i = 0; i < n && err == NULL; i++)
    err = wasmtime_component_linker_instance_add_func(inst, fns[i].name, strlen(fns[i].name),
                                                      fns[i].cb, NULL, NULL);
  wasmtime_component_linker_instance_delete(inst);
  return err;
}

// wt_shadow_component replaces wasi:clocks/wall-clock and wasi:random/* at
// @0.2.6, the version v39's add_wasip2 registers; guests importing any
// 0.2.x resolve to it.
static wasmtime_error_t *wt_shadow_component(wasmtime_component_linker_t *l) {
  static const wt_func_def wall[] = {{"now", wt_wall_now}, {"resolution", wt_wall_resolution}};
  static const wt_func_def random[] = {{"get-random-bytes", wt_random_bytes},
                                       {"get-random-u64", wt_random_u64_fn}};
  static const wt_func_def insecure[] = {{"get-insecure-random-bytes", wt_random_bytes},
                                         {"get-insecure-random-u64", wt_random_u64_fn}};
  static const wt_func_def seed[] = {{"insecure-seed", wt_insecure_seed}};
  wasmtime_component_linker_allow_shadowing(l, true);
  wasmtime_component_linker_instance_t *root = wasmtime_component_linker_root(l);
  wasmtime_error_t *err = wt_shadow_instance(root, "wasi:clocks/wall-clock@0.2.6", wall, 2);
  if (err == NULL) err = wt_shadow_instance(root, "wasi:random/random@0.2.6", random, 2);
  if (err == NULL) err = wt_shadow_instance(root, "wasi:random/insecure@0.2.6", insecure, 2);
  if (err == NULL) err = wt_shadow_instance(root, "wasi:random/insecure-seed@0.2.6", seed, 1);
  wasmtime_component_linker_instance_delete(root);
  return err;
}

static wasm_trap_t *wt_trap(const char *msg) { return wasmtime_trap_new(msg, strlen(msg)); }

// wt_guest_bytes returns where [ptr, ptr+n) of the calling module's
// exported memory lies on the host, or NULL with *trap set when the module
// exports no memory or the range is out of its bounds: wasmtime's own
// preview1 functions trap there too (they do not return EFAULT).
static uint8_t *wt_guest_bytes(wasmtime_caller_t *caller, uint32_t ptr, uint32_t n,
                               wasm_trap_t **trap) {
  wasmtime_extern_t item;
  static const char name[] = "memory";
  if (!wasmtime_caller_export_get(caller, name, sizeof name - 1, &item) ||
      item.kind != WASMTIME_EXTERN_MEMORY) {
    *trap = wt_trap("wasmtasks: the module exports no memory");
    return NULL;
  }
  wasmtime_context_t *cx = wasmtime_caller_context(caller);
  size_t size = wasmtime_memory_data_size(cx, &item.of.memory);
  if ((uint64_t)ptr + n > size) {
    *trap = wt_trap("wasmtasks: pointer out of bounds of the module's memory");
    return NULL;
  }
  return wasmtime_memory_data(cx, &item.of.memory) + ptr;
}

static wasm_trap_t *wt_errno(wasmtime_val_t *res, int32_t e) {
  res[0].kind = WASMTIME_I32;
  res[0].of.i32 = e;
  return NULL;
}

// clock_time_get(id: i32, precision: i64, time: i32) -> errno
static wasm_trap_t *wt_clock_time_get(void *env, wasmtime_caller_t *caller,
                                      const wasmtime_val_t *args, size_t nargs,
                                      wasmtime_val_t *res, size_t nres) {
  uint64_t ns;
  wasmtime_context_t *cx = wasmtime_caller_context(caller);
  int32_t e = wtFixedClockTime(wt_store_of(cx), args[0].of.i32, &ns);
  if (e < 0) return wt_trap("wasmtasks: clock_time_get: invalid clock id");
  if (e != 0) return wt_errno(res, e);
  wasm_trap_t *trap = NULL;
  uint8_t *p = wt_guest_bytes(caller, (uint32_t)args[2].of.i32, 8, &trap);
  if (p == NULL) return trap;
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(ns >> (8 * i));
  return wt_errno(res, 0);
}

// random_get(buf: i32, len: i32) -> errno
static wasm_trap_t *wt_random_get(void *env, wasmtime_caller_t *caller,
                                  const wasmtime_val_t *args, size_t nargs, wasmtime_val_t *res,
                                  size_t nres) {
  wasm_trap_t *trap = NULL;
  uint32_t n = (uint32_t)args[1].of.i32;
  uint8_t *p = wt_guest_bytes(caller, (uint32_t)args[0].of.i32, n, &trap);
  if (p == NULL) return trap;
  wasmtime_context_t *cx = wasmtime_caller_context(caller);
  if (wtFixedRandom(wt_store_of(cx), p, n) != 0)
    return wt_trap("wasmtasks: seeded random: no reproducible state in this store");
  return wt_errno(res, 0);
}

static wasm_functype_t *wt_functype(const wasm_valkind_t *params, int np) {
  wasm_valtype_t *ps[3], *rs[1] = {wasm_valtype_new(WASM_I32)};
  for (int i = 0; i < np; i++) ps[i] = wasm_valtype_new(params[i]);
  wasm_valtype_vec_t pv, rv;
  wasm_valtype_vec_new(&pv, np, ps);
  wasm_valtype_vec_new(&rv, 1, rs);
  return wasm_functype_new(&pv, &rv);
}

static wasmtime_error_t *wt_define_p1(wasmtime_linker_t *l, const char *name,
                                      const wasm_valkind_t *params, int np,
                                      wasmtime_func_callback_t cb) {
  static const char module[] = "wasi_snapshot_preview1";
  wasm_functype_t *ty = wt_functype(params, np);
  wasmtime_error_t *err = wasmtime_linker_define_func(l, module, sizeof module - 1, name,
                                                      strlen(name), ty, cb, NULL, NULL);
  wasm_functype_delete(ty);
  return err;
}

// wt_shadow_module replaces preview1's clock_time_get and random_get.
static wasmtime_error_t *wt_shadow_module(wasmtime_linker_t *l) {
  static const wasm_valkind_t clock[] = {WASM_I32, WASM_I64, WASM_I32};
  static const wasm_valkind_t random[] = {WASM_I32, WASM_I32};
  wasmtime_linker_allow_shadowing(l, true);
  wasmtime_error_t *err = wt_define_p1(l, "clock_time_get", clock, 3, wt_clock_time_get);
  if (err == NULL) err = wt_define_p1(l, "random_get", random, 2, wt_random_get);
  return err;
}

static wasmtime_store_t *wt_store_new(wasm_engine_t *e, uintptr_t data) {
  return wasmtime_store_new(e, (void *)data, NULL);
}
*/
import "C"

import "runtime/cgo"

// shadowComponent makes l a linker whose wall clock and randomness are the
// store's fixed ones.
func shadowComponent(l *C.wasmtime_component_linker_t) error {
	if err := takeError(C.wt_shadow_component(l)); err != nil {
		return err
	}
	return nil
}

// shadowModule is [shadowComponent] for preview1 modules.
func shadowModule(l *C.wasmtime_linker_t) error {
	if err := takeError(C.wt_shadow_module(l)); err != nil {
		return err
	}
	return nil
}

// newStore makes a store whose data is h, which the host functions above
// read with wasmtime_context_get_data.
func newStore(e *C.wasm_engine_t, h cgo.Handle) *C.wasmtime_store_t {
	return C.wt_store_new(e, C.uintptr_t(h))
}
