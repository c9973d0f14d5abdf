/*
 * A single pass over the DTB structure block.  Properties of a node come
 * before its children, so each node's interesting properties are gathered in
 * a per-depth record and the node is classified when it ends.  Cell sizes for
 * "reg" come from the parent's #address-cells / #size-cells.
 */
#include "lib/fdt.h"
#include "lib/string.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define MAX_DEPTH 16
#define IRQ_S_EXT 9 /* a hart's supervisor external interrupt */

/* Gathered during the walk, resolved at the end (phandles may come later). */
struct intc_map {
    uint32_t phandle[FDT_MAX_HARTS]; /* each hart's cpu-intc phandle */
    const uint8_t *plic_irq_ext;
    uint32_t plic_irq_ext_len;
};

struct node {
    const char *name;
    const char *compat; /* NUL-separated list */
    uint32_t compat_len;
    const uint8_t *reg;
    uint32_t reg_len;
    uint32_t irq;
    bool has_irq;
    const char *device_type;
    const char *isa;
    const uint8_t *irq_ext; /* interrupts-extended: (phandle, irq) pairs */
    uint32_t irq_ext_len;
    uint32_t phandle;
    bool disabled;
    uint32_t addr_cells, size_cells; /* for this node's children */
};

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++)
        v = (v << 32) | be32(p + 4 * i);
    return v;
}

static bool compat_has(const struct node *n, const char *want)
{
    uint32_t off = 0;
    while (n->compat && off < n->compat_len) {
        if (strcmp(n->compat + off, want) == 0)
            return true;
        off += strlen(n->compat + off) + 1;
    }
    return false;
}

/* The i-th (address, size) pair of n's reg, decoded with the parent's cells. */
static bool reg_get(const struct node *n, const struct node *parent, int i, struct fdt_range *r)
{
    uint32_t ac = parent->addr_cells, sc = parent->size_cells;
    uint32_t stride = 4 * (ac + sc);
    if (!n->reg || stride == 0 || (uint32_t)(i + 1) * stride > n->reg_len)
        return false;
    r->base = read_cells(n->reg + i * stride, ac);
    r->size = read_cells(n->reg + i * stride + 4 * ac, sc);
    return true;
}

static struct intc_map intc;

static void add_hart(struct fdt_info *fi, const struct node *n, const struct node *parent)
{
    struct fdt_range r;
    if (n->disabled || fi->nharts >= FDT_MAX_HARTS || !reg_get(n, parent, 0, &r))
        return;
    fi->hartid[fi->nharts] = r.base;
    fi->hart_sstc[fi->nharts] = n->isa && strstr(n->isa, "sstc") != NULL;
    if (n->isa && strstr(n->isa, "svpbmt"))
        fi->has_svpbmt = true;
    fi->nharts++;
}

static void classify(struct fdt_info *fi, const struct node *n, const struct node *parent,
                     const struct node *grand)
{
    struct fdt_range r;
    if (n->device_type && strcmp(n->device_type, "memory") == 0) {
        for (int i = 0; fi->nmem < FDT_MAX_MEM && reg_get(n, parent, i, &r); i++)
            if (r.size)
                fi->mem[fi->nmem++] = r;
    } else if (n->device_type && strcmp(n->device_type, "cpu") == 0) {
        add_hart(fi, n, parent);
    } else if (parent->name && strcmp(parent->name, "reserved-memory") == 0 && grand) {
        for (int i = 0; fi->nresv < FDT_MAX_RESV && reg_get(n, parent, i, &r); i++)
            fi->resv[fi->nresv++] = r;
    } else if (compat_has(n, "riscv,cpu-intc") && grand && parent->device_type &&
               strcmp(parent->device_type, "cpu") == 0) {
        /* The hart (the parent cpu node) is added when the parent ends: it is
         * the next one. */
        if (fi->nharts < FDT_MAX_HARTS)
            intc.phandle[fi->nharts] = n->phandle;
    } else if (n->disabled || !reg_get(n, parent, 0, &r)) {
        return;
    } else if (compat_has(n, "ns16550a") && !fi->uart.base) {
        fi->uart = r;
        fi->uart_irq = n->irq;
    } else if (compat_has(n, "riscv,plic0") || compat_has(n, "sifive,plic-1.0.0")) {
        fi->plic = r;
        intc.plic_irq_ext = n->irq_ext;
        intc.plic_irq_ext_len = n->irq_ext_len;
    } else if (compat_has(n, "virtio,mmio") && fi->nvirtio < FDT_MAX_VIRTIO) {
        fi->virtio[fi->nvirtio] = r;
        fi->virtio_irq[fi->nvirtio++] = n->irq;
    } else if (compat_has(n, "google,goldfish-rtc")) {
        fi->rtc = r;
    }
}

static void prop(struct fdt_info *fi, struct node *n, const char *name, const uint8_t *val,
                 uint32_t len)
{
    if (strcmp(name, "compatible") == 0) {
        n->compat = (const char *)val;
        n->compat_len = len;
    } else if (strcmp(name, "reg") == 0) {
        n->reg = val;
        n->reg_len = len;
    } else if (strcmp(name, "interrupts") == 0 && len >= 4) {
        n->irq = be32(val);
        n->has_irq = true;
    } else if (strcmp(name, "interrupts-extended") == 0) {
        n->irq_ext = val;
        n->irq_ext_len = len;
    } else if (strcmp(name, "phandle") == 0 && len == 4) {
        n->phandle = be32(val);
    } else if (strcmp(name, "device_type") == 0) {
        n->device_type = (const char *)val;
    } else if (strcmp(name, "riscv,isa") == 0) {
        n->isa = (const char *)val;
    } else if (strcmp(name, "status") == 0) {
        n->disabled = strcmp((const char *)val, "okay") != 0 && strcmp((const char *)val, "ok");
    } else if (strcmp(name, "#address-cells") == 0 && len == 4) {
        n->addr_cells = be32(val);
    } else if (strcmp(name, "#size-cells") == 0 && len == 4) {
        n->size_cells = be32(val);
    } else if (strcmp(name, "timebase-frequency") == 0 && len >= 4) {
        fi->timebase_hz = read_cells(val, len >= 8 ? 2 : 1);
    } else if (strcmp(name, "riscv,ndev") == 0 && len == 4) {
        if (compat_has(n, "riscv,plic0") || compat_has(n, "sifive,plic-1.0.0") || !fi->plic_ndev)
            fi->plic_ndev = be32(val);
    } else if (strcmp(name, "bootargs") == 0) {
        strlcpy(fi->bootargs, (const char *)val, MIN((size_t)len + 1, sizeof(fi->bootargs)));
    }
}

static void read_memreserve(struct fdt_info *fi, const uint8_t *blob, uint32_t off)
{
    for (const uint8_t *p = blob + off; fi->nresv < FDT_MAX_RESV; p += 16) {
        uint64_t base = read_cells(p, 2), size = read_cells(p + 8, 2);
        if (!base && !size)
            break;
        fi->resv[fi->nresv++] = (struct fdt_range){base, size};
    }
}

/* PLIC context i is wired to (phandle, irq) pair i of interrupts-extended. */
static void resolve_plic_contexts(struct fdt_info *fi)
{
    for (int h = 0; h < FDT_MAX_HARTS; h++)
        fi->plic_sctx[h] = -1;
    for (uint32_t i = 0; (i + 1) * 8 <= intc.plic_irq_ext_len; i++) {
        uint32_t ph = be32(intc.plic_irq_ext + 8 * i), irq = be32(intc.plic_irq_ext + 8 * i + 4);
        for (int h = 0; h < fi->nharts; h++)
            if (irq == IRQ_S_EXT && intc.phandle[h] == ph && ph != 0)
                fi->plic_sctx[h] = (int)i;
    }
}

int fdt_parse(const void *blob, struct fdt_info *fi)
{
    const uint8_t *b = blob;
    if (be32(b) != FDT_MAGIC)
        return -1;
    memset(fi, 0, sizeof(*fi));
    memset(&intc, 0, sizeof(intc));
    fi->blob_size = be32(b + 4);
    const uint8_t *p = b + be32(b + 8);
    const char *strings = (const char *)b + be32(b + 12);
    read_memreserve(fi, b, be32(b + 16));

    struct node stack[MAX_DEPTH];
    int depth = -1;
    for (;;) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            p += ALIGN_UP(strlen(name) + 1, 4);
            if (++depth >= MAX_DEPTH)
                return -1;
            memset(&stack[depth], 0, sizeof(stack[depth]));
            stack[depth].name = name;
            stack[depth].addr_cells = 2;
            stack[depth].size_cells = 1;
        } else if (tok == FDT_PROP) {
            uint32_t len = be32(p), nameoff = be32(p + 4);
            if (depth >= 0)
                prop(fi, &stack[depth], strings + nameoff, p + 8, len);
            p += 8 + ALIGN_UP(len, 4);
        } else if (tok == FDT_END_NODE) {
            if (depth < 0)
                return -1;
            if (depth >= 1)
                classify(fi, &stack[depth], &stack[depth - 1],
                         depth >= 2 ? &stack[depth - 2] : NULL);
            depth--;
        } else if (tok == FDT_NOP) {
            continue;
        } else {
            break; /* FDT_END or garbage */
        }
    }
    if (depth != -1)
        return -1;
    resolve_plic_contexts(fi);
    return 0;
}

bool bootarg_get(const char *args, const char *key, char *val, size_t size)
{
    size_t klen = strlen(key);
    const char *p = args;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - word) > klen && strncmp(word, key, klen) == 0 && word[klen] == '=') {
            size_t n = MIN((size_t)(p - word - klen - 1), size - 1);
            memcpy(val, word + klen + 1, n);
            val[n] = '\0';
            return true;
        }
        if ((size_t)(p - word) == klen && strncmp(word, key, klen) == 0) {
            if (size)
                val[0] = '\0';
            return true;
        }
    }
    return false;
}
