/* replay_main.c - runs a fuzz target once over every file of a corpus, without libFuzzer. */
#include <glib.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target; weak so that targets without it still link. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Larger than any -max_len fuzz/run.sh uses: a corpus file past it is a
 * mistake, not an input to feed. */
#define REPLAY_FILE_MAX (16 * 1024 * 1024)

static gboolean replay_file(const char *path, guint *count)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents(path, &data, &len, &error)) {
    fprintf(stderr, "replay: %s\n", error->message);
    return FALSE;
  }
  if (len > REPLAY_FILE_MAX) {
    fprintf(stderr, "replay: %s: larger than %d bytes\n", path, REPLAY_FILE_MAX);
    return FALSE;
  }
  /* An exact-size copy, so that a read past the end shows under ASan just
   * as it would under libFuzzer (g_file_get_contents adds a NUL). */
  uint8_t *copy = g_malloc(len ? len : 1);
  memcpy(copy, data, len);
  LLVMFuzzerTestOneInput(copy, len);
  g_free(copy);
  (*count)++;
  return TRUE;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Feeds PATH, or every regular file below it in name order. */
static gboolean replay_path(const char *path, guint *count)
{
  if (!g_file_test(path, G_FILE_TEST_IS_DIR))
    return replay_file(path, count);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open(path, 0, &error);
  if (!dir) {
    fprintf(stderr, "replay: %s\n", error->message);
    return FALSE;
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(dir)))
    if (name[0] != '.' && strcmp(name, "README.md") != 0)
      g_ptr_array_add(names, g_build_filename(path, name, NULL));
  g_ptr_array_sort(names, by_name);
  gboolean ok = TRUE;
  for (guint i = 0; i < names->len; i++)
    ok = replay_path(g_ptr_array_index(names, i), count) && ok;
  return ok;
}

int main(int argc, char **argv)
{
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE-OR-FOLDER...\n", argv[0]);
    return 2;
  }
  guint count = 0;
  gboolean ok = TRUE;
  for (int i = 1; i < argc; i++)
    ok = replay_path(argv[i], &count) && ok;
  printf("%u inputs replayed\n", count);
  return ok ? 0 : 1;
}
