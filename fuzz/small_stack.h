/* small_stack.h - runs fuzz inputs on a thread with a small stack, so that a
 * recursion which grows with the input overflows within the fuzzer's -max_len,
 * and shows the fuzzer how deep the stack went, so that it can go deeper. */
#pragma once

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
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
#define FUZZ_STACK_PAINT UINT64_C(0xa5a5a5a5a5a5a5a5)
/* Left unpainted below the worker's own frame: the painting and the
 * measuring run there. */
#define FUZZ_STACK_MARGIN 4096

typedef int (*fuzz_input_fn)(const uint8_t *data, size_t size);

/* One worker thread for the process, as kith's parsing pool keeps its
 * threads (and GMime's per-thread parser with them); a thread per input
 * cost more than most inputs. The main thread hands it one input at a time
 * and waits. */
static struct {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int state; /* 0 idle, 1 an input given, 2 done */
  fuzz_input_fn fn;
  const uint8_t *data;
  size_t size;
  uint64_t *stack; /* FUZZ_STACK_SIZE bytes, growing down */
  uint64_t *low;   /* below it, the stack is still paint */
  size_t used;     /* bytes of stack the last input reached */
} fuzz_stack = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* Paints [fuzz_stack.low, TOP). Word by word, outside ASan and its memset:
 * frames of earlier inputs lay here. */
__attribute__((no_sanitize("address"), noinline)) static void fuzz_stack_paint(uint64_t *top)
{
  for (volatile uint64_t *p = fuzz_stack.low; p < top; p++)
    *p = FUZZ_STACK_PAINT;
}

/* Bytes of stack written since the paint: from the lowest word that is no
 * longer paint to the top. */
__attribute__((no_sanitize("address"), noinline)) static size_t fuzz_stack_measure(uint64_t *top)
{
  volatile uint64_t *p = fuzz_stack.stack;
  while ((uint64_t *)p < top && *p == FUZZ_STACK_PAINT)
    p++;
  fuzz_stack.low = (uint64_t *)p;
  return FUZZ_STACK_SIZE - (size_t)((uint8_t *)p - (uint8_t *)fuzz_stack.stack);
}

static void *fuzz_stack_worker(void *unused)
{
  (void)unused;
  uint64_t *top = (uint64_t *)((uint8_t *)__builtin_frame_address(0) - FUZZ_STACK_MARGIN);
  pthread_mutex_lock(&fuzz_stack.lock);
  for (;;) {
    while (fuzz_stack.state != 1)
      pthread_cond_wait(&fuzz_stack.cond, &fuzz_stack.lock);
    pthread_mutex_unlock(&fuzz_stack.lock);
    fuzz_stack_paint(top);
    fuzz_stack.fn(fuzz_stack.data, fuzz_stack.size);
    fuzz_stack.used = fuzz_stack_measure(top);
    pthread_mutex_lock(&fuzz_stack.lock);
    fuzz_stack.state = 2;
    pthread_cond_broadcast(&fuzz_stack.cond);
  }
  return NULL;
}

/* The fuzzer keeps inputs that reach new edges; one edge per 4 KB of stack
 * reached makes a deeper recursion new coverage, one step at a time,
 * although the code recursing (GMime, GLib) is not instrumented. */
/* One step per 4 KiB, written as a table. */
// clang-format off
static volatile size_t fuzz_stack_steps;
#define FUZZ_STACK_STEP(k)                                                                         \
  if (used >= (size_t)(k) * 4096)                                                                  \
    fuzz_stack_steps += (k);
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
// clang-format on

/* FN(DATA, SIZE) on the worker, waited for. A failure to map its stack or
 * start it is the harness's, not the input's. */
static inline int fuzz_on_small_stack(fuzz_input_fn fn, const uint8_t *data, size_t size)
{
  if (!fuzz_stack.stack) {
    uint8_t *mapping = mmap(NULL, FUZZ_STACK_GUARD + FUZZ_STACK_SIZE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED || mprotect(mapping, FUZZ_STACK_GUARD, PROT_NONE) != 0)
      __builtin_trap();
    fuzz_stack.stack = fuzz_stack.low = (uint64_t *)(mapping + FUZZ_STACK_GUARD);
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) != 0 ||
        pthread_attr_setstack(&attr, fuzz_stack.stack, FUZZ_STACK_SIZE) != 0 ||
        pthread_create(&thread, &attr, fuzz_stack_worker, NULL) != 0)
      __builtin_trap();
    pthread_attr_destroy(&attr);
  }
  pthread_mutex_lock(&fuzz_stack.lock);
  fuzz_stack.fn = fn;
  fuzz_stack.data = data;
  fuzz_stack.size = size;
  fuzz_stack.state = 1;
  pthread_cond_broadcast(&fuzz_stack.cond);
  while (fuzz_stack.state != 2)
    pthread_cond_wait(&fuzz_stack.cond, &fuzz_stack.lock);
  fuzz_stack.state = 0;
  pthread_mutex_unlock(&fuzz_stack.lock);
  fuzz_stack_depth_edges(fuzz_stack.used);
  return 0;
}
