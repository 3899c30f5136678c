// Declarations of the parts of the wasmtime C API (v39) that wasmtasks uses.
//
// wasmtime-go links libwasmtime.a but does not put its headers on our include
// path, so the binding declares what it needs here. layout_test.go compiles a
// C file against the real headers and checks every size, offset and constant
// below against them, and the type of every function that layout.h lists.
#ifndef WASMTASKS_CAPI_H
#define WASMTASKS_CAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define WT_WASMTIME_VERSION "39.0.0"

typedef struct wasm_config_t wasm_config_t;
typedef struct wasm_engine_t wasm_engine_t;
typedef struct wasm_trap_t wasm_trap_t;
typedef struct wasmtime_error wasmtime_error_t;
typedef struct wasmtime_store wasmtime_store_t;
typedef struct wasmtime_context wasmtime_context_t;
typedef struct wasi_config_t wasi_config_t;
typedef struct wasmtime_module wasmtime_module_t;
typedef struct wasmtime_linker wasmtime_linker_t;
typedef struct wasmtime_component_t wasmtime_component_t;
typedef struct wasmtime_component_linker_t wasmtime_component_linker_t;
typedef struct wasmtime_component_export_index_t wasmtime_component_export_index_t;
typedef struct wasmtime_component_linker_instance_t wasmtime_component_linker_instance_t;
typedef struct wasmtime_component_func_type_t wasmtime_component_func_type_t;
typedef struct wasmtime_caller wasmtime_caller_t;
typedef struct wasm_valtype_t wasm_valtype_t;
typedef struct wasm_functype_t wasm_functype_t;
typedef uint8_t wasm_valkind_t;

typedef struct wasm_byte_vec_t {
  size_t size;
  char *data;
} wasm_byte_vec_t;
typedef wasm_byte_vec_t wasm_name_t;

typedef struct wasm_valtype_vec_t {
  size_t size;
  wasm_valtype_t **data;
} wasm_valtype_vec_t;

#define WASM_I32 0
#define WASM_I64 1

typedef struct wasm_frame_t wasm_frame_t;
typedef struct wasm_frame_vec_t {
  size_t size;
  wasm_frame_t **data;
} wasm_frame_vec_t;

typedef struct wasmtime_func {
  uint64_t store_id;
  void *__private;
} wasmtime_func_t;

typedef struct wasmtime_instance {
  uint64_t store_id;
  size_t __private;
} wasmtime_instance_t;

typedef struct wasmtime_memory {
  struct {
    uint64_t store_id;
    uint32_t __private1;
  };
  uint32_t __private2;
} wasmtime_memory_t;

#define WASMTIME_EXTERN_FUNC 0
#define WASMTIME_EXTERN_MEMORY 3

// Only the func and memory members are read; the padding gives the union its
// real size.
typedef struct wasmtime_extern {
  uint8_t kind;
  union {
    wasmtime_func_t func;
    wasmtime_memory_t memory;
    uint8_t __size[24];
  } of;
} wasmtime_extern_t;

#define WASMTIME_I32 0
#define WASMTIME_I64 1

// Only i32 and i64 are used; the padding gives the union its real size.
typedef struct wasmtime_val {
  uint8_t kind;
  union {
    int32_t i32;
    int64_t i64;
    uint8_t __size[24];
  } of;
} wasmtime_val_t;

typedef struct wasmtime_component_instance {
  uint64_t store_id;
  uint32_t __private;
} wasmtime_component_instance_t;

typedef struct wasmtime_component_func {
  struct {
    uint64_t store_id;
    uint32_t __private1;
  };
  uint32_t __private2;
} wasmtime_component_func_t;

#define WASMTIME_COMPONENT_U8 2
#define WASMTIME_COMPONENT_U32 6
#define WASMTIME_COMPONENT_U64 8
#define WASMTIME_COMPONENT_LIST 13
#define WASMTIME_COMPONENT_RECORD 14
#define WASMTIME_COMPONENT_TUPLE 15
#define WASMTIME_COMPONENT_RESULT 19

typedef struct {
  bool is_ok;
  struct wasmtime_component_val *val;
} wasmtime_component_valresult_t;

typedef struct wasmtime_component_vallist {
  size_t size;
  struct wasmtime_component_val *data;
} wasmtime_component_vallist_t;

typedef struct wasmtime_component_valrecord {
  size_t size;
  struct wasmtime_component_valrecord_entry *data;
} wasmtime_component_valrecord_t;

typedef struct wasmtime_component_valtuple {
  size_t size;
  struct wasmtime_component_val *data;
} wasmtime_component_valtuple_t;

// Only the members below are used; the padding gives the union its real size.
typedef struct wasmtime_component_val {
  uint8_t kind;
  union {
    uint8_t u8;
    uint32_t u32;
    uint64_t u64;
    wasmtime_component_vallist_t list;
    wasmtime_component_valrecord_t record;
    wasmtime_component_valtuple_t tuple;
    wasmtime_component_valresult_t result;
    uint8_t __size[24];
  } of;
} wasmtime_component_val_t;

typedef struct wasmtime_component_valrecord_entry {
  wasm_name_t name;
  wasmtime_component_val_t val;
} wasmtime_component_valrecord_entry_t;

typedef wasmtime_error_t *(*wasmtime_component_func_callback_t)(
    void *, wasmtime_context_t *, const wasmtime_component_func_type_t *,
    wasmtime_component_val_t *, size_t, wasmtime_component_val_t *, size_t);

typedef wasm_trap_t *(*wasmtime_func_callback_t)(void *env, wasmtime_caller_t *caller,
                                                 const wasmtime_val_t *args, size_t nargs,
                                                 wasmtime_val_t *results, size_t nresults);

#define WASMTIME_WASI_DIR_PERMS_READ 1
#define WASMTIME_WASI_DIR_PERMS_WRITE 2
#define WASMTIME_WASI_FILE_PERMS_READ 1
#define WASMTIME_WASI_FILE_PERMS_WRITE 2
#define WASMTIME_UPDATE_DEADLINE_CONTINUE 0

typedef uint8_t wasmtime_update_deadline_kind_t;

// wasm.h
void wasm_byte_vec_delete(wasm_byte_vec_t *);
void wasm_byte_vec_new(wasm_byte_vec_t *out, size_t, const char *);
wasm_valtype_t *wasm_valtype_new(wasm_valkind_t);
void wasm_valtype_vec_new(wasm_valtype_vec_t *out, size_t, wasm_valtype_t *const[]);
wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results);
void wasm_functype_delete(wasm_functype_t *);
wasm_config_t *wasm_config_new(void);
wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *);
void wasm_engine_delete(wasm_engine_t *);
void wasm_trap_delete(wasm_trap_t *);
void wasm_trap_message(const wasm_trap_t *, wasm_name_t *out);
void wasm_frame_vec_delete(wasm_frame_vec_t *);

// wasmtime/config.h
void wasmtime_config_wasm_component_model_set(wasm_config_t *, bool);
void wasmtime_config_epoch_interruption_set(wasm_config_t *, bool);
void wasmtime_config_wasm_threads_set(wasm_config_t *, bool);
typedef struct wasmtime_pooling_allocation_config_t wasmtime_pooling_allocation_config_t;
wasmtime_pooling_allocation_config_t *wasmtime_pooling_allocation_config_new(void);
void wasmtime_pooling_allocation_config_delete(wasmtime_pooling_allocation_config_t *);
void wasmtime_pooling_allocation_config_max_unused_warm_slots_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_table_keep_resident_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_max_component_instance_size_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_max_core_instance_size_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_max_memories_per_module_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_max_tables_per_module_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_table_elements_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_max_memory_size_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_total_stacks_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_strategy_set(wasm_config_t *, const wasmtime_pooling_allocation_config_t *);

// wasmtime/engine.h
void wasmtime_engine_increment_epoch(wasm_engine_t *);

// wasmtime/error.h
wasmtime_error_t *wasmtime_error_new(const char *);
void wasmtime_error_delete(wasmtime_error_t *);
void wasmtime_error_message(const wasmtime_error_t *, wasm_name_t *message);
bool wasmtime_error_exit_status(const wasmtime_error_t *, int *status);
void wasmtime_error_wasm_trace(const wasmtime_error_t *, wasm_frame_vec_t *out);

// wasmtime/store.h
wasmtime_store_t *wasmtime_store_new(wasm_engine_t *, void *data, void (*finalizer)(void *));
void *wasmtime_context_get_data(const wasmtime_context_t *);
wasmtime_context_t *wasmtime_store_context(wasmtime_store_t *);
void wasmtime_store_limiter(wasmtime_store_t *, int64_t memory_size, int64_t table_elements,
                            int64_t instances, int64_t tables, int64_t memories);
void wasmtime_store_delete(wasmtime_store_t *);
wasmtime_error_t *wasmtime_context_set_wasi(wasmtime_context_t *, wasi_config_t *);
void wasmtime_context_set_epoch_deadline(wasmtime_context_t *, uint64_t ticks_beyond_current);
void wasmtime_store_epoch_deadline_callback(
    wasmtime_store_t *,
    wasmtime_error_t *(*func)(wasmtime_context_t *, void *, uint64_t *,
                              wasmtime_update_deadline_kind_t *),
    void *data, void (*finalizer)(void *));

// wasi.h
wasi_config_t *wasi_config_new(void);
void wasi_config_delete(wasi_config_t *);
bool wasi_config_set_argv(wasi_config_t *, size_t argc, const char *argv[]);
bool wasi_config_set_env(wasi_config_t *, size_t envc, const char *names[], const char *values[]);
bool wasi_config_set_stdin_file(wasi_config_t *, const char *path);
void wasi_config_inherit_stdin(wasi_config_t *);
bool wasi_config_set_stdout_file(wasi_config_t *, const char *path);
bool wasi_config_set_stderr_file(wasi_config_t *, const char *path);
void wasi_config_inherit_stdout(wasi_config_t *);
void wasi_config_inherit_stderr(wasi_config_t *);
bool wasi_config_preopen_dir(wasi_config_t *, const char *host_path, const char *guest_path,
                             size_t dir_perms, size_t file_perms);

// wasmtime/module.h, linker.h, instance.h, func.h
wasmtime_error_t *wasmtime_module_new(wasm_engine_t *, const uint8_t *wasm, size_t len,
                                      wasmtime_module_t **ret);
void wasmtime_module_delete(wasmtime_module_t *);
wasmtime_error_t *wasmtime_module_serialize(wasmtime_module_t *, wasm_byte_vec_t *ret);
wasmtime_error_t *wasmtime_module_deserialize_file(wasm_engine_t *, const char *path,
                                                   wasmtime_module_t **ret);
wasmtime_linker_t *wasmtime_linker_new(wasm_engine_t *);
void wasmtime_linker_delete(wasmtime_linker_t *);
wasmtime_error_t *wasmtime_linker_define_wasi(wasmtime_linker_t *);
void wasmtime_linker_allow_shadowing(wasmtime_linker_t *, bool);
wasmtime_error_t *wasmtime_linker_define_func(wasmtime_linker_t *, const char *module,
                                              size_t module_len, const char *name,
                                              size_t name_len, const wasm_functype_t *ty,
                                              wasmtime_func_callback_t cb, void *data,
                                              void (*finalizer)(void *));
wasmtime_context_t *wasmtime_caller_context(wasmtime_caller_t *);
bool wasmtime_caller_export_get(wasmtime_caller_t *, const char *name, size_t name_len,
                                wasmtime_extern_t *item);
uint8_t *wasmtime_memory_data(const wasmtime_context_t *, const wasmtime_memory_t *);
size_t wasmtime_memory_data_size(const wasmtime_context_t *, const wasmtime_memory_t *);
wasm_trap_t *wasmtime_trap_new(const char *msg, size_t msg_len);
wasmtime_error_t *wasmtime_linker_instantiate(const wasmtime_linker_t *, wasmtime_context_t *,
                                              const wasmtime_module_t *,
                                              wasmtime_instance_t *instance, wasm_trap_t **trap);
bool wasmtime_instance_export_get(wasmtime_context_t *, const wasmtime_instance_t *,
                                  const char *name, size_t name_len, wasmtime_extern_t *item);
wasmtime_error_t *wasmtime_func_call(wasmtime_context_t *, const wasmtime_func_t *,
                                     const void *args, size_t nargs, void *results,
                                     size_t nresults, wasm_trap_t **trap);

// wasmtime/component/*.h
wasmtime_error_t *wasmtime_component_new(const wasm_engine_t *, const uint8_t *buf, size_t len,
                                         wasmtime_component_t **out);
wasmtime_error_t *wasmtime_component_serialize(const wasmtime_component_t *, wasm_byte_vec_t *ret);
wasmtime_error_t *wasmtime_component_deserialize_file(const wasm_engine_t *, const char *path,
                                                      wasmtime_component_t **out);
void wasmtime_component_delete(wasmtime_component_t *);
void wasmtime_component_export_index_delete(wasmtime_component_export_index_t *);
wasmtime_component_linker_t *wasmtime_component_linker_new(const wasm_engine_t *);
void wasmtime_component_linker_delete(wasmtime_component_linker_t *);
wasmtime_error_t *wasmtime_component_linker_add_wasip2(wasmtime_component_linker_t *);
void wasmtime_component_linker_allow_shadowing(wasmtime_component_linker_t *, bool);
wasmtime_component_linker_instance_t *wasmtime_component_linker_root(
    wasmtime_component_linker_t *);
wasmtime_error_t *wasmtime_component_linker_instance_add_instance(
    wasmtime_component_linker_instance_t *, const char *name, size_t name_len,
    wasmtime_component_linker_instance_t **out);
wasmtime_error_t *wasmtime_component_linker_instance_add_func(
    wasmtime_component_linker_instance_t *, const char *name, size_t name_len,
    wasmtime_component_func_callback_t callback, void *data, void (*finalizer)(void *));
void wasmtime_component_linker_instance_delete(wasmtime_component_linker_instance_t *);
wasmtime_error_t *wasmtime_component_linker_instantiate(const wasmtime_component_linker_t *,
                                                        wasmtime_context_t *,
                                                        const wasmtime_component_t *,
                                                        wasmtime_component_instance_t *out);
wasmtime_component_export_index_t *wasmtime_component_instance_get_export_index(
    const wasmtime_component_instance_t *, wasmtime_context_t *,
    const wasmtime_component_export_index_t *instance_export_index, const char *name,
    size_t name_len);
bool wasmtime_component_instance_get_func(const wasmtime_component_instance_t *,
                                          wasmtime_context_t *,
                                          const wasmtime_component_export_index_t *,
                                          wasmtime_component_func_t *func_out);
wasmtime_error_t *wasmtime_component_func_call(const wasmtime_component_func_t *,
                                               wasmtime_context_t *,
                                               const wasmtime_component_val_t *args,
                                               size_t args_size,
                                               wasmtime_component_val_t *results,
                                               size_t results_size);
wasmtime_error_t *wasmtime_component_func_post_return(const wasmtime_component_func_t *,
                                                      wasmtime_context_t *);
void wasmtime_component_val_delete(wasmtime_component_val_t *);
void wasmtime_component_vallist_new_uninit(wasmtime_component_vallist_t *out, size_t);
void wasmtime_component_valrecord_new_uninit(wasmtime_component_valrecord_t *out, size_t);
void wasmtime_component_valtuple_new_uninit(wasmtime_component_valtuple_t *out, size_t);

#endif
