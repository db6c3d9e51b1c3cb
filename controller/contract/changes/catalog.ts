import { Type, type Static } from 'typebox';

/**
 * Downlink change `catalog`: the point's whole product catalog, replacing the previous one
 * (the backoffice always sends all products; a point that missed a change is whole again with
 * the next). Money in integer cents, VAT 7 or 19 %, deposit (Pfand) per unit, age class 0/16/18.
 * Products with a barcode carry a GTIN (check digit verified on apply); loose goods (bread rolls)
 * carry a `plu` and a picture key instead and are chosen from a picture grid.
 */
export const CATALOG_CHANGE = 'catalog';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const CatalogProductSchema = Type.Object(
  {
    /** GTIN-8/12/13/14 digits; null for loose goods. */
    gtin: Type.Union([Type.String({ pattern: '^[0-9]{8}$|^[0-9]{12,14}$' }), Type.Null()]),
    /** Price look-up code of loose goods (picture grid); null for barcoded products. */
    plu: Type.Union([Type.String({ pattern: '^[0-9]{3,6}$' }), Type.Null()]),
    name: Text(60),
    /** Sales unit as printed: "Stück", "500 g", "0,5 l". */
    unit: Text(20),
    priceCents: Type.Integer({ minimum: 1, maximum: 100_000 }),
    vatRate: Type.Union([Type.Literal(7), Type.Literal(19)]),
    /** Pfand per unit (0, 8, 15 or 25 ct in Germany). */
    depositCents: Type.Integer({ minimum: 0, maximum: 1_000 }),
    /** 0 = no age check; 16 (beer, wine); 18 (spirits, tobacco). */
    ageClass: Type.Union([Type.Literal(0), Type.Literal(16), Type.Literal(18)]),
    group: Text(40),
    /** The fridge the product is kept in (cold chain); null = shelf. */
    fridgeId: Type.Union([Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$' }), Type.Null()]),
    /** Picture key for the grid of loose goods. */
    picture: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })),
  },
  { additionalProperties: false },
);

export const CatalogChangeSchema = Type.Object(
  {
    /** Chosen by the backoffice; a catalog already applied is not applied again. */
    catalogId: Text(200),
    products: Type.Array(CatalogProductSchema, { maxItems: 5000 }),
  },
  { additionalProperties: false },
);

export type CatalogProduct = Static<typeof CatalogProductSchema>;
export type CatalogChange = Static<typeof CatalogChangeSchema>;
