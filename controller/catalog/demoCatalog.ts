/**
 * A realistic demo catalog of a German village shop (~60 products) for `npm start` and tests,
 * published through the real downlink as a `catalog` change. GTINs are made-up numbers under
 * German GS1 prefixes (400–440) with correct check digits; they name no real product.
 * VAT: 7 % food (also milk, bread, coffee beans), 19 % drinks other than milk, alcohol, tobacco,
 * non-food. Pfand: 25 ct single-use (cans, PET), 8 ct reusable glass beer bottles,
 * 15 ct reusable PET/glass water bottles. Age: beer, wine, sparkling wine 16; spirits, tobacco 18.
 * Fridges as in the simulated hardware profile: molkerei, truhe, getraenke.
 */
import type { CatalogChange, CatalogProduct } from '../contract/changes/catalog.ts';
import { withCheckDigit } from './gtin.ts';

type Row = [body: string, name: string, unit: string, priceCents: number, vat: 7 | 19, deposit: number, age: 0 | 16 | 18, group: string, fridge: string | null];

const ROWS: Row[] = [
  // Molkerei (dairy fridge)
  ['400123400001', 'Vollmilch 3,5 %', '1 l', 129, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400002', 'Fettarme Milch 1,5 %', '1 l', 119, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400003', 'Bio-Heumilch', '1 l', 179, 7, 15, 0, 'Molkerei', 'molkerei'],
  ['400123400004', 'Naturjoghurt 3,5 %', '500 g', 99, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400005', 'Süßrahmbutter', '250 g', 249, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400006', 'Speisequark 20 %', '500 g', 149, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400007', 'Bergkäse am Stück', '200 g', 359, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400008', 'Gouda jung, Scheiben', '150 g', 179, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400009', 'Freilandeier Gr. M', '10 Stück', 359, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400010', 'Schlagsahne 30 %', '200 g', 119, 7, 0, 0, 'Molkerei', 'molkerei'],
  ['400123400011', 'Kochschinken, Scheiben', '100 g', 219, 7, 0, 0, 'Wurst', 'molkerei'],
  ['400123400012', 'Salami, Scheiben', '80 g', 189, 7, 0, 0, 'Wurst', 'molkerei'],
  ['400123400013', 'Leberwurst fein', '125 g', 169, 7, 0, 0, 'Wurst', 'molkerei'],
  // Tiefkühl
  ['400123400020', 'Pizza Margherita', '350 g', 299, 7, 0, 0, 'Tiefkühl', 'truhe'],
  ['400123400021', 'Spinat, gehackt', '450 g', 179, 7, 0, 0, 'Tiefkühl', 'truhe'],
  ['400123400022', 'Vanilleeis', '1 l', 349, 7, 0, 0, 'Tiefkühl', 'truhe'],
  ['400123400023', 'Pommes frites', '750 g', 229, 7, 0, 0, 'Tiefkühl', 'truhe'],
  // Getränke (drinks fridge / shelf)
  ['400123400030', 'Mineralwasser spritzig', '0,7 l', 69, 19, 15, 0, 'Getränke', 'getraenke'],
  ['400123400031', 'Mineralwasser still, PET', '1,5 l', 49, 19, 25, 0, 'Getränke', null],
  ['400123400032', 'Apfelschorle', '0,5 l', 119, 19, 25, 0, 'Getränke', 'getraenke'],
  ['400123400033', 'Apfelsaft naturtrüb', '1 l', 249, 19, 0, 0, 'Getränke', null],
  ['400123400034', 'Cola', '0,33 l Dose', 109, 19, 25, 0, 'Getränke', 'getraenke'],
  ['400123400035', 'Orangenlimonade', '0,5 l', 99, 19, 25, 0, 'Getränke', 'getraenke'],
  ['400123400036', 'Pils', '0,5 l', 109, 19, 8, 16, 'Bier', 'getraenke'],
  ['400123400037', 'Helles', '0,5 l', 119, 19, 8, 16, 'Bier', 'getraenke'],
  ['400123400038', 'Weißbier', '0,5 l', 129, 19, 8, 16, 'Bier', 'getraenke'],
  ['400123400039', 'Radler', '0,33 l Dose', 99, 19, 25, 16, 'Bier', 'getraenke'],
  ['400123400040', 'Alkoholfreies Pils', '0,5 l', 109, 19, 8, 0, 'Bier', 'getraenke'],
  ['400123400041', 'Riesling trocken', '0,75 l', 699, 19, 0, 16, 'Wein', null],
  ['400123400042', 'Spätburgunder', '0,75 l', 849, 19, 0, 16, 'Wein', null],
  ['400123400043', 'Sekt trocken', '0,75 l', 599, 19, 0, 16, 'Wein', 'getraenke'],
  ['400123400044', 'Obstbrand Williams', '0,5 l', 1999, 19, 0, 18, 'Spirituosen', null],
  ['400123400045', 'Kräuterlikör', '0,1 l', 399, 19, 0, 18, 'Spirituosen', null],
  ['400123400046', 'Korn 32 %', '0,7 l', 899, 19, 0, 18, 'Spirituosen', null],
  ['400123400047', 'Zigaretten', '20 Stück', 900, 19, 0, 18, 'Tabak', null],
  ['400123400048', 'Feinschnitt-Tabak', '40 g', 850, 19, 0, 18, 'Tabak', null],
  // Trockensortiment
  ['400123400050', 'Weizenmehl Type 405', '1 kg', 99, 7, 0, 0, 'Backen', null],
  ['400123400051', 'Zucker', '1 kg', 129, 7, 0, 0, 'Backen', null],
  ['400123400052', 'Spaghetti', '500 g', 119, 7, 0, 0, 'Nudeln & Reis', null],
  ['400123400053', 'Langkornreis', '1 kg', 229, 7, 0, 0, 'Nudeln & Reis', null],
  ['400123400054', 'Tomaten, passiert', '500 g', 89, 7, 0, 0, 'Konserven', null],
  ['400123400055', 'Kaffee, ganze Bohne', '500 g', 699, 7, 0, 0, 'Kaffee & Tee', null],
  ['400123400056', 'Pfefferminztee', '20 Beutel', 149, 7, 0, 0, 'Kaffee & Tee', null],
  ['400123400057', 'Haferflocken', '500 g', 99, 7, 0, 0, 'Frühstück', null],
  ['400123400058', 'Erdbeerkonfitüre', '450 g', 229, 7, 0, 0, 'Frühstück', null],
  ['400123400059', 'Blütenhonig', '500 g', 549, 7, 0, 0, 'Frühstück', null],
  ['400123400060', 'Vollmilchschokolade', '100 g', 119, 7, 0, 0, 'Süßes', null],
  ['400123400061', 'Kartoffelchips', '175 g', 179, 7, 0, 0, 'Süßes', null],
  ['400123400062', 'Salzstangen', '250 g', 99, 7, 0, 0, 'Süßes', null],
  // Drogerie / Haushalt (19 %)
  ['400123400070', 'Toilettenpapier 3-lagig', '8 Rollen', 349, 19, 0, 0, 'Haushalt', null],
  ['400123400071', 'Spülmittel', '500 ml', 129, 19, 0, 0, 'Haushalt', null],
  ['400123400072', 'Zahnpasta', '75 ml', 149, 19, 0, 0, 'Drogerie', null],
  ['400123400073', 'Duschgel', '250 ml', 199, 19, 0, 0, 'Drogerie', null],
  ['400123400074', 'Batterien AA', '4 Stück', 499, 19, 0, 0, 'Haushalt', null],
  ['400123400075', 'Streichhölzer', '10 Schachteln', 149, 19, 0, 0, 'Haushalt', null],
  ['400123400076', 'Grablicht', 'Stück', 249, 19, 0, 0, 'Haushalt', null],
];

type Loose = [plu: string, name: string, unit: string, priceCents: number, group: string, picture: string];

const LOOSE: Loose[] = [
  ['1001', 'Brötchen', 'Stück', 45, 'Backwaren', 'broetchen'],
  ['1002', 'Laugenbrezel', 'Stück', 85, 'Backwaren', 'brezel'],
  ['1003', 'Körnerbrötchen', 'Stück', 65, 'Backwaren', 'koernerbroetchen'],
  ['1004', 'Bauernbrot', '1 kg Laib', 429, 'Backwaren', 'bauernbrot'],
  ['1005', 'Croissant', 'Stück', 99, 'Backwaren', 'croissant'],
  ['1010', 'Äpfel aus der Region', 'Stück', 45, 'Obst & Gemüse', 'apfel'],
  ['1011', 'Bananen', 'Stück', 35, 'Obst & Gemüse', 'banane'],
];

export function demoProducts(): CatalogProduct[] {
  const barcoded: CatalogProduct[] = ROWS.map(([body, name, unit, priceCents, vatRate, depositCents, ageClass, group, fridgeId]) => ({
    gtin: withCheckDigit(body),
    plu: null,
    name,
    unit,
    priceCents,
    vatRate,
    depositCents,
    ageClass,
    group,
    fridgeId,
  }));
  const loose: CatalogProduct[] = LOOSE.map(([plu, name, unit, priceCents, group, picture]) => ({
    gtin: null,
    plu,
    name,
    unit,
    priceCents,
    vatRate: 7,
    depositCents: 0,
    ageClass: 0,
    group,
    fridgeId: null,
    picture,
  }));
  return [...barcoded, ...loose];
}

/** The body `npm start` publishes as downlink change `catalog`. */
export function demoCatalogChange(catalogId = 'demo-1'): CatalogChange {
  return { catalogId, products: demoProducts() };
}

/** GTIN of a demo product by its name (tests and the simulated kiosk). */
export function demoGtin(name: string): string {
  const row = ROWS.find((r) => r[1] === name);
  if (!row) throw new Error(`no demo product ${name}`);
  return withCheckDigit(row[0]);
}
