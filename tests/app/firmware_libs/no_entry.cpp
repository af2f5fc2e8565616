// A shared library without the entry point (a user forgot
// NNVP_FIRMWARE_ENTRY): nnvp must refuse it by name.
extern "C" __attribute__((visibility("default"))) int not_the_entry() {
    return 0;
}
