/* check_main.c - links one layer whole with only the layers below it (CMakeLists.txt):
 * a call from a layer into one above it is an undefined symbol here. */
int main(void)
{
  return 0;
}
