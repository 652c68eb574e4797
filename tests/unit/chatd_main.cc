// CppUTest entry point for chatd_tests (the daemon's own modules: config,
// TLS). Run from the build directory; CHAT_SRCDIR names the source tree.
#include "CppUTest/CommandLineTestRunner.h"

int main(int argc, char** argv) { return CommandLineTestRunner::RunAllTests(argc, argv); }
