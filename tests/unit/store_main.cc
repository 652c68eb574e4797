// CppUTest entry point for store_tests: the Store interface (store.h) run
// against both store_mem.cc and store_bdb.cc, plus the record codec and the
// Berkeley DB crash-recovery tests (store_test.cc). Temporary environments
// go under $TMPDIR (default /tmp) and are removed afterwards.
#include "CppUTest/CommandLineTestRunner.h"

int main(int argc, char** argv) { return CommandLineTestRunner::RunAllTests(argc, argv); }
