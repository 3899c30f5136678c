// needs_import imports a function no WASI host provides, so instantiating
// it must fail with an error that names the import.
__attribute__((import_module("env"), import_name("not_provided"))) void not_provided(void);

int main(void) {
  not_provided();
  return 0;
}
