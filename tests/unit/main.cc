// Entry point of the libchat unit tests (CppUTest). Run with -v for test
// names, -g GROUP or -n NAME to select.
#include "CppUTest/CommandLineTestRunner.h"

int main(int ac, char** av) { return CommandLineTestRunner::RunAllTests(ac, av); }
