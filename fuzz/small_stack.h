/* small_stack.h - runs one fuzz input on a thread with a small stack, so that a
 * recursion which grows with the input overflows within the fuzzer's -max_len,
 * and shows the fuzzer how deep the stack went, so that it can go deeper. */
#pragma once

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* 128 KB: the stack musl libc (Alpine) gives a thread by default, so what
 * kith's parsing threads (capture/pool.c) may get; Linux's main thread has
 * 8 MB. GMime's address parser recurses once per group: a Cc of about
 * 40,000 "a:" (80 KB) overflows 8 MB, and 600 (1.2 KB) overflow 128 KB
 * (400 do not). A recursion bounded by a depth limit stays well inside. */
#define FUZZ_STACK_SIZE (128 * 1024)
/* Below the stack, never mapped: an overflow faults there (ASan reports it
 * as a stack-overflow) instead of writing over other memory. */
#define FUZZ_STACK_GUARD (64 * 1024)
/* What the unused stack is filled with, to see afterwards how much was used. */
#define FUZZ_STACK_PAINT 0xa5

typedef int (*fuzz_input_fn)(const uint8_t *data, size_t size);

typedef struct {
  fuzz_input_fn fn;
  const uint8_t *data;
  size_t size;
} fuzz_stack_job;

static void *fuzz_stack_run(void *p)
{
  fuzz_stack_job *job = p;
  job->fn(job->data, job->size);
  return NULL;
}

/* Bytes of STACK (SIZE bytes, growing down) that were written: from the
 * first byte that is no longer paint. Read byte by byte, outside ASan:
 * the thread that used it has ended. */
__attribute__((no_sanitize("address"))) static size_t fuzz_stack_used(const uint8_t *stack,
                                                                      size_t size)
{
  size_t i = 0;
  while (i < size && stack[i] == FUZZ_STACK_PAINT)
    i++;
  return size - i;
}

/* The fuzzer keeps inputs that reach new edges; one edge per 4 KB of stack
 * reached makes a deeper recursion new coverage, one step at a time,
 * although the code recursing (GMime, GLib) is not instrumented. */
#define FUZZ_STACK_STEP(k)                                                                         \
  if (used >= (size_t)(k) * 4096)                                                                  \
    fuzz_stack_steps += (k);
static volatile size_t fuzz_stack_steps;
static void fuzz_stack_depth_edges(size_t used)
{
  FUZZ_STACK_STEP(1) FUZZ_STACK_STEP(2) FUZZ_STACK_STEP(3) FUZZ_STACK_STEP(4)
  FUZZ_STACK_STEP(5) FUZZ_STACK_STEP(6) FUZZ_STACK_STEP(7) FUZZ_STACK_STEP(8)
  FUZZ_STACK_STEP(9) FUZZ_STACK_STEP(10) FUZZ_STACK_STEP(11) FUZZ_STACK_STEP(12)
  FUZZ_STACK_STEP(13) FUZZ_STACK_STEP(14) FUZZ_STACK_STEP(15) FUZZ_STACK_STEP(16)
  FUZZ_STACK_STEP(17) FUZZ_STACK_STEP(18) FUZZ_STACK_STEP(19) FUZZ_STACK_STEP(20)
  FUZZ_STACK_STEP(21) FUZZ_STACK_STEP(22) FUZZ_STACK_STEP(23) FUZZ_STACK_STEP(24)
  FUZZ_STACK_STEP(25) FUZZ_STACK_STEP(26) FUZZ_STACK_STEP(27) FUZZ_STACK_STEP(28)
  FUZZ_STACK_STEP(29) FUZZ_STACK_STEP(30) FUZZ_STACK_STEP(31)
}
#undef FUZZ_STACK_STEP

/* FN(DATA, SIZE) on a new thread with FUZZ_STACK_SIZE bytes of stack,
 * waited for. The stack is mapped once and painted before every input. A
 * failure to map it or start the thread is the harness's, not the input's. */
static inline int fuzz_on_small_stack(fuzz_input_fn fn, const uint8_t *data, size_t size)
{
  static uint8_t *mapping;
  if (!mapping) {
    mapping = mmap(NULL, FUZZ_STACK_GUARD + FUZZ_STACK_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED || mprotect(mapping, FUZZ_STACK_GUARD, PROT_NONE) != 0)
      __builtin_trap();
  }
  uint8_t *stack = mapping + FUZZ_STACK_GUARD;
  memset(stack, FUZZ_STACK_PAINT, FUZZ_STACK_SIZE);
  fuzz_stack_job job = {.fn = fn, .data = data, .size = size};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) != 0 || pthread_attr_setstack(&attr, stack, FUZZ_STACK_SIZE) != 0 ||
      pthread_create(&thread, &attr, fuzz_stack_run, &job) != 0)
    __builtin_trap();
  pthread_attr_destroy(&attr);
  pthread_join(thread, NULL);
  fuzz_stack_depth_edges(fuzz_stack_used(stack, FUZZ_STACK_SIZE));
  return 0;
}
