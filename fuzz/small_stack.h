/* small_stack.h - runs one fuzz input on a thread with a small stack, so that a
 * recursion which grows with the input overflows within the fuzzer's -max_len. */
#pragma once

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* 128 KB: the stack musl libc (Alpine) gives a thread by default, so what
 * kith's parsing threads (capture/pool.c) may get; Linux's main thread has
 * 8 MB. GMime's address parser recurses once per group: a Cc of about
 * 40,000 "a:" (80 KB) overflows 8 MB, and 600 (1.2 KB) overflow 128 KB
 * (400 do not). A recursion bounded by a depth limit stays well inside. */
#define FUZZ_STACK_SIZE (128 * 1024)

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

/* FN(DATA, SIZE) on a new thread of FUZZ_STACK_SIZE bytes of stack, waited
 * for. A failure to start the thread is the harness's, not the input's. */
static inline int fuzz_on_small_stack(fuzz_input_fn fn, const uint8_t *data, size_t size)
{
  fuzz_stack_job job = {.fn = fn, .data = data, .size = size};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, FUZZ_STACK_SIZE) != 0 ||
      pthread_create(&thread, &attr, fuzz_stack_run, &job) != 0)
    __builtin_trap();
  pthread_attr_destroy(&attr);
  pthread_join(thread, NULL);
  return 0;
}
