/* secret.c - secret files, readable by their owner only. */
#include "util/secret.h"

#include "util/error.h"

#include <errno.h>
#include <sys/stat.h>

char *kith_secret_read(const char *path, GError **error)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", path, g_strerror(errno));
    return NULL;
  }
  if ((st.st_mode & 077) != 0) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: a secret file must be readable by its owner only (chmod 600), it is %03o",
                path, (unsigned)(st.st_mode & 0777));
    return NULL;
  }
  if (st.st_size > 64 * 1024) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: too large for a secret", path);
    return NULL;
  }
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error))
    return NULL;
  return g_strstrip(text);
}
