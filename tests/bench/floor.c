/*
 * The physical floor for the benchmark: the least a program must do to list
 * the dynamic exports of an ELF file (mmap it, walk .dynsym, print names) or
 * to resolve one name (mmap, one GNU-hash lookup). No validation at all: it
 * is a yardstick for trusted input, not a tool.
 *   floor list FILE      floor resolve FILE NAME
 */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const Elf64_Shdr *section(const uint8_t *base, uint32_t type)
{
    const Elf64_Ehdr *eh = (const void *)base;
    const Elf64_Shdr *sh = (const void *)(base + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++)
        if (sh[i].sh_type == type)
            return &sh[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 3;
    int fd = open(argv[2], O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0)
        return 2;
    const uint8_t *base = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED)
        return 2;
    const Elf64_Ehdr *eh = (const void *)base;
    const Elf64_Shdr *sh = (const void *)(base + eh->e_shoff);
    const Elf64_Shdr *dynsym = section(base, SHT_DYNSYM);
    if (!dynsym)
        return 2;
    const Elf64_Sym *syms = (const void *)(base + dynsym->sh_offset);
    const char *str = (const char *)base + sh[dynsym->sh_link].sh_offset;
    size_t n = dynsym->sh_size / sizeof *syms;
    if (strcmp(argv[1], "list") == 0) {
        for (size_t i = 1; i < n; i++)
            if (syms[i].st_shndx != SHN_UNDEF)
                printf("%016llx %s\n", (unsigned long long)syms[i].st_value, str + syms[i].st_name);
        return 0;
    }
    const Elf64_Shdr *gh = section(base, SHT_GNU_HASH);
    if (!gh || argc < 4)
        return 2;
    const uint32_t *h = (const void *)(base + gh->sh_offset);
    uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2], shift = h[3];
    const uint64_t *bloom = (const void *)(h + 4);
    const uint32_t *buckets = (const void *)(bloom + bloom_size);
    const uint32_t *chain = buckets + nbuckets;
    const char *name = argv[3];
    uint32_t hash = 5381;
    for (const unsigned char *p = (const void *)name; *p; p++)
        hash = hash * 33 + *p;
    uint64_t word = bloom[(hash / 64) % bloom_size];
    if (!((word >> (hash % 64)) & (word >> ((hash >> shift) % 64)) & 1))
        return 1;
    for (uint32_t i = buckets[hash % nbuckets]; i >= symoffset; i++) {
        if ((chain[i - symoffset] | 1) == (hash | 1) && strcmp(str + syms[i].st_name, name) == 0) {
            printf("%016llx\n", (unsigned long long)syms[i].st_value);
            return 0;
        }
        if (chain[i - symoffset] & 1)
            break;
    }
    return 1;
}
