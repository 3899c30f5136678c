// The sizes, offsets and constants that capi.h declares, printed as text.
// layout.go compiles this against capi.h, and layout_test.go compiles it
// against wasmtime's real headers: both must print the same.
#ifndef WASMTASKS_LAYOUT_H
#define WASMTASKS_LAYOUT_H

#include <stdio.h>

#define WT_SIZE(t) n += snprintf(buf + n, len - n, "sizeof(%s)=%zu\n", #t, sizeof(t))
#define WT_ALIGN(t) n += snprintf(buf + n, len - n, "alignof(%s)=%zu\n", #t, _Alignof(t))
#define WT_OFF(t, f) n += snprintf(buf + n, len - n, "offsetof(%s, %s)=%zu\n", #t, #f, offsetof(t, f))
#define WT_CONST(c) n += snprintf(buf + n, len - n, "%s=%lld\n", #c, (long long)(c))
// WT_FUNC prints whether function f has exactly type t: compiled against
// capi.h and against the real headers, "f=1" on both sides proves that the
// two prototypes agree.
#define WT_FUNC(f, t) n += snprintf(buf + n, len - n, "type of %s=%d\n", #f, _Generic(&f, t: 1, default: 0))

static size_t wt_layout(char *buf, size_t len) {
  size_t n = 0;
  n += snprintf(buf + n, len - n, "version=%s\n", WT_VERSION);
  WT_SIZE(wasm_byte_vec_t);
  WT_OFF(wasm_byte_vec_t, size);
  WT_OFF(wasm_byte_vec_t, data);
  WT_SIZE(wasm_frame_vec_t);
  WT_OFF(wasm_frame_vec_t, size);
  WT_OFF(wasm_frame_vec_t, data);
  WT_SIZE(wasmtime_func_t);
  WT_ALIGN(wasmtime_func_t);
  WT_OFF(wasmtime_func_t, store_id);
  WT_SIZE(wasmtime_instance_t);
  WT_ALIGN(wasmtime_instance_t);
  WT_SIZE(wasmtime_extern_t);
  WT_ALIGN(wasmtime_extern_t);
  WT_OFF(wasmtime_extern_t, kind);
  WT_OFF(wasmtime_extern_t, of);
  WT_OFF(wasmtime_extern_t, of.func);
  WT_SIZE(wasmtime_component_instance_t);
  WT_ALIGN(wasmtime_component_instance_t);
  WT_SIZE(wasmtime_component_func_t);
  WT_ALIGN(wasmtime_component_func_t);
  WT_SIZE(wasmtime_component_val_t);
  WT_ALIGN(wasmtime_component_val_t);
  WT_OFF(wasmtime_component_val_t, kind);
  WT_OFF(wasmtime_component_val_t, of);
  WT_OFF(wasmtime_component_val_t, of.result);
  WT_SIZE(wasmtime_component_valresult_t);
  WT_OFF(wasmtime_component_valresult_t, is_ok);
  WT_OFF(wasmtime_component_valresult_t, val);
  WT_SIZE(wasmtime_update_deadline_kind_t);
  WT_SIZE(wasm_valtype_vec_t);
  WT_OFF(wasm_valtype_vec_t, data);
  WT_SIZE(wasm_valkind_t);
  WT_SIZE(wasmtime_memory_t);
  WT_ALIGN(wasmtime_memory_t);
  WT_OFF(wasmtime_extern_t, of.memory);
  WT_SIZE(wasmtime_val_t);
  WT_ALIGN(wasmtime_val_t);
  WT_OFF(wasmtime_val_t, kind);
  WT_OFF(wasmtime_val_t, of);
  WT_OFF(wasmtime_val_t, of.i32);
  WT_OFF(wasmtime_val_t, of.i64);
  WT_OFF(wasmtime_component_val_t, of.u8);
  WT_OFF(wasmtime_component_val_t, of.u32);
  WT_OFF(wasmtime_component_val_t, of.u64);
  WT_OFF(wasmtime_component_val_t, of.list);
  WT_OFF(wasmtime_component_val_t, of.record);
  WT_OFF(wasmtime_component_val_t, of.tuple);
  WT_SIZE(wasmtime_component_vallist_t);
  WT_OFF(wasmtime_component_vallist_t, size);
  WT_OFF(wasmtime_component_vallist_t, data);
  WT_SIZE(wasmtime_component_valrecord_t);
  WT_OFF(wasmtime_component_valrecord_t, size);
  WT_OFF(wasmtime_component_valrecord_t, data);
  WT_SIZE(wasmtime_component_valtuple_t);
  WT_OFF(wasmtime_component_valtuple_t, size);
  WT_OFF(wasmtime_component_valtuple_t, data);
  WT_SIZE(wasmtime_component_valrecord_entry_t);
  WT_ALIGN(wasmtime_component_valrecord_entry_t);
  WT_OFF(wasmtime_component_valrecord_entry_t, name);
  WT_OFF(wasmtime_component_valrecord_entry_t, val);
  WT_CONST(WASM_I32);
  WT_CONST(WASM_I64);
  WT_CONST(WASMTIME_EXTERN_MEMORY);
  WT_CONST(WASMTIME_I32);
  WT_CONST(WASMTIME_I64);
  WT_CONST(WASMTIME_COMPONENT_U8);
  WT_CONST(WASMTIME_COMPONENT_U32);
  WT_CONST(WASMTIME_COMPONENT_U64);
  WT_CONST(WASMTIME_COMPONENT_LIST);
  WT_CONST(WASMTIME_COMPONENT_RECORD);
  WT_CONST(WASMTIME_COMPONENT_TUPLE);
  WT_CONST(WASMTIME_EXTERN_FUNC);
  WT_CONST(WASMTIME_COMPONENT_RESULT);
  WT_CONST(WASMTIME_WASI_DIR_PERMS_READ);
  WT_CONST(WASMTIME_WASI_DIR_PERMS_WRITE);
  WT_CONST(WASMTIME_WASI_FILE_PERMS_READ);
  WT_CONST(WASMTIME_WASI_FILE_PERMS_WRITE);
  WT_CONST(WASMTIME_UPDATE_DEADLINE_CONTINUE);
  WT_FUNC(wasmtime_error_exit_status, bool (*)(const wasmtime_error_t *, int *));
  WT_FUNC(wasmtime_error_message, void (*)(const wasmtime_error_t *, wasm_name_t *));
  WT_FUNC(wasmtime_error_wasm_trace, void (*)(const wasmtime_error_t *, wasm_frame_vec_t *));
  WT_FUNC(wasm_frame_vec_delete, void (*)(wasm_frame_vec_t *));
  WT_FUNC(wasm_trap_message, void (*)(const wasm_trap_t *, wasm_name_t *));
  WT_FUNC(wasm_byte_vec_new, void (*)(wasm_byte_vec_t *, size_t, const char *));
  WT_FUNC(wasm_valtype_new, wasm_valtype_t *(*)(wasm_valkind_t));
  WT_FUNC(wasm_valtype_vec_new, void (*)(wasm_valtype_vec_t *, size_t, wasm_valtype_t *const[]));
  WT_FUNC(wasm_functype_new, wasm_functype_t *(*)(wasm_valtype_vec_t *, wasm_valtype_vec_t *));
  WT_FUNC(wasm_functype_delete, void (*)(wasm_functype_t *));
  WT_FUNC(wasmtime_context_get_data, void *(*)(const wasmtime_context_t *));
  WT_FUNC(wasmtime_linker_allow_shadowing, void (*)(wasmtime_linker_t *, bool));
  WT_FUNC(wasmtime_linker_define_func,
          wasmtime_error_t *(*)(wasmtime_linker_t *, const char *, size_t, const char *, size_t,
                                const wasm_functype_t *, wasmtime_func_callback_t, void *,
                                void (*)(void *)));
  WT_FUNC(wasmtime_caller_context, wasmtime_context_t *(*)(wasmtime_caller_t *));
  WT_FUNC(wasmtime_caller_export_get,
          bool (*)(wasmtime_caller_t *, const char *, size_t, wasmtime_extern_t *));
  WT_FUNC(wasmtime_memory_data, uint8_t *(*)(const wasmtime_context_t *, const wasmtime_memory_t *));
  WT_FUNC(wasmtime_memory_data_size,
          size_t (*)(const wasmtime_context_t *, const wasmtime_memory_t *));
  WT_FUNC(wasmtime_trap_new, wasm_trap_t *(*)(const char *, size_t));
  WT_FUNC(wasmtime_component_linker_allow_shadowing,
          void (*)(wasmtime_component_linker_t *, bool));
  WT_FUNC(wasmtime_component_linker_root,
          wasmtime_component_linker_instance_t *(*)(wasmtime_component_linker_t *));
  WT_FUNC(wasmtime_component_linker_instance_add_instance,
          wasmtime_error_t *(*)(wasmtime_component_linker_instance_t *, const char *, size_t,
                                wasmtime_component_linker_instance_t **));
  WT_FUNC(wasmtime_component_linker_instance_add_func,
          wasmtime_error_t *(*)(wasmtime_component_linker_instance_t *, const char *, size_t,
                                wasmtime_component_func_callback_t, void *, void (*)(void *)));
  WT_FUNC(wasmtime_component_linker_instance_delete,
          void (*)(wasmtime_component_linker_instance_t *));
  WT_FUNC(wasmtime_component_vallist_new_uninit, void (*)(wasmtime_component_vallist_t *, size_t));
  WT_FUNC(wasmtime_component_valrecord_new_uninit,
          void (*)(wasmtime_component_valrecord_t *, size_t));
  WT_FUNC(wasmtime_component_valtuple_new_uninit,
          void (*)(wasmtime_component_valtuple_t *, size_t));
  WT_FUNC(wasmtime_pooling_allocation_config_new, wasmtime_pooling_allocation_config_t *(*)(void));
  WT_FUNC(wasmtime_pooling_allocation_config_delete,
          void (*)(wasmtime_pooling_allocation_config_t *));
  WT_FUNC(wasmtime_pooling_allocation_config_max_unused_warm_slots_set,
          void (*)(wasmtime_pooling_allocation_config_t *, uint32_t));
  WT_FUNC(wasmtime_pooling_allocation_config_linear_memory_keep_resident_set,
          void (*)(wasmtime_pooling_allocation_config_t *, size_t));
  WT_FUNC(wasmtime_pooling_allocation_config_table_keep_resident_set,
          void (*)(wasmtime_pooling_allocation_config_t *, size_t));
  WT_FUNC(wasmtime_pooling_allocation_config_max_component_instance_size_set,
          void (*)(wasmtime_pooling_allocation_config_t *, size_t));
  WT_FUNC(wasmtime_pooling_allocation_config_max_core_instance_size_set,
          void (*)(wasmtime_pooling_allocation_config_t *, size_t));
  WT_FUNC(wasmtime_pooling_allocation_config_max_memories_per_module_set,
          void (*)(wasmtime_pooling_allocation_config_t *, uint32_t));
  WT_FUNC(wasmtime_pooling_allocation_config_max_tables_per_module_set,
          void (*)(wasmtime_pooling_allocation_config_t *, uint32_t));
  WT_FUNC(wasmtime_pooling_allocation_config_table_elements_set,
          void (*)(wasmtime_pooling_allocation_config_t *, size_t));
  WT_FUNC(wasmtime_pooling_allocation_config_max_memory_size_set,
          void (*)(wasmtime_pooling_allocation_config_t *, size_t));
  WT_FUNC(wasmtime_pooling_allocation_config_total_stacks_set,
          void (*)(wasmtime_pooling_allocation_config_t *, uint32_t));
  WT_FUNC(wasmtime_pooling_allocation_strategy_set,
          void (*)(wasm_config_t *, const wasmtime_pooling_allocation_config_t *));
  return n;
}

#endif
