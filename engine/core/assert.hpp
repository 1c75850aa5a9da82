#pragma once
/// @file
/// @brief Precondition checks. BROCKEN_ASSERT is active unless NDEBUG is defined; a failed
/// check prints the condition and location and aborts (programming errors, not user input —
/// user input errors are scenario::InputError).
#include <cstdio>
#include <cstdlib>

#ifndef NDEBUG
#define BROCKEN_ASSERT(cond, msg)                                                                 \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::fprintf(stderr, "%s:%d: assertion failed: %s (%s)\n", __FILE__, __LINE__, #cond, msg); \
      std::abort();                                                                               \
    }                                                                                             \
  } while (false)
#else
#define BROCKEN_ASSERT(cond, msg) \
  do {                            \
  } while (false)
#endif
