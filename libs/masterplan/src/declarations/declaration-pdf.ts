import PDFDocument from 'pdfkit';
import type { Readable } from 'node:stream';
import { verificationLines, type DeclarationDocument } from './declaration-document.js';

const MARGIN = 56;
const BODY = 10;
const GREY = '#555555';

type Pdf = PDFKit.PDFDocument;

/** A table with a header row; rows break across pages, the header repeated on each. */
function table(pdf: Pdf, widths: number[], header: string[], rows: string[][]): void {
  const left = MARGIN;
  const padding = 4;
  const heightOf = (cells: string[], font: string) => {
    pdf.font(font).fontSize(BODY - 1);
    return Math.max(
      ...cells.map((text, i) => pdf.heightOfString(text, { width: widths[i]! - 2 * padding })),
    );
  };
  const drawRow = (cells: string[], font: string, shade: boolean) => {
    const height = heightOf(cells, font) + 2 * padding;
    if (pdf.y + height > pdf.page.height - MARGIN - 20) {
      pdf.addPage();
      if (!shade) drawRow(header, 'Helvetica-Bold', true);
    }
    const top = pdf.y;
    const total = widths.reduce((a, b) => a + b, 0);
    if (shade) pdf.rect(left, top, total, height).fill('#eeeeee');
    pdf
      .fillColor('black')
      .font(font)
      .fontSize(BODY - 1);
    let x = left;
    cells.forEach((text, i) => {
      pdf.text(text, x + padding, top + padding, { width: widths[i]! - 2 * padding });
      x += widths[i]!;
    });
    pdf
      .moveTo(left, top + height)
      .lineTo(left + total, top + height)
      .lineWidth(0.5)
      .strokeColor('#bbbbbb')
      .stroke();
    pdf.x = left;
    pdf.y = top + height;
  };
  drawRow(header, 'Helvetica-Bold', true);
  for (const row of rows) drawRow(row, 'Helvetica', false);
  pdf.moveDown(1.5);
}

function heading(pdf: Pdf, text: string): void {
  if (pdf.y > pdf.page.height - MARGIN - 80) pdf.addPage();
  pdf.fillColor('black').font('Helvetica-Bold').fontSize(13).text(text, MARGIN);
  pdf.moveDown(0.5);
}

/** The document as a PDF (A4), streamed as it is written. */
export function declarationPdf(doc: DeclarationDocument): Readable {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `Joint declaration: ${doc.masterplan.title}`,
      Subject: `Masterplan ${doc.masterplan.id}, declaration ${doc.declarationId}, log position ${doc.position}`,
      Creator: 'Masterplan Ledger',
    },
  });
  const width = pdf.page.width - 2 * MARGIN;
  pdf.font('Helvetica-Bold').fontSize(18).text(`Joint declaration`, { width });
  pdf.font('Helvetica').fontSize(14).text(doc.masterplan.title, { width });
  pdf.moveDown(0.3);
  pdf
    .fillColor(GREY)
    .fontSize(BODY - 1)
    .text(
      `${doc.masterplan.region} · masterplan ${doc.masterplan.id} · declaration ${doc.declarationId} · ${doc.publishedOn ? `published on ${doc.publishedOn}` : 'not published yet'}`,
      { width },
    );
  pdf.moveDown(1);
  pdf
    .fillColor('black')
    .font('Helvetica')
    .fontSize(BODY + 1)
    .text(doc.text, { width, align: 'justify' });
  pdf.moveDown(1.5);

  heading(pdf, 'Roadmap');
  table(
    pdf,
    [width - 90, 90],
    ['Step', 'Due'],
    doc.roadmap.map((s) => [s.title, s.dueDate]),
  );

  heading(pdf, `Signatories (${doc.signatories.length})`);
  table(
    pdf,
    [width - 190, 100, 90],
    ['Organisation', 'Kind', 'Signed on'],
    doc.signatories.map((s) => [s.name, s.kind, s.signedOn]),
  );

  heading(pdf, `Commitments (${doc.commitments.length})`);
  table(
    pdf,
    [110, width - 110 - 120 - 62 - 58, 120, 62, 58],
    ['Organisation', 'Commitment', 'Measure', 'Due', 'Status'],
    doc.commitments.map((c) => [
      c.actor,
      c.statement,
      c.measure ?? 'the masterplan as a whole',
      c.dueDate ?? '–',
      c.status,
    ]),
  );

  heading(pdf, 'Verification');
  pdf
    .font('Helvetica')
    .fontSize(BODY - 1)
    .text(
      verificationLines(doc)
        .filter((line) => line !== '')
        .join('\n'),
      { width },
    );

  const pages = pdf.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    pdf.switchToPage(pages.start + i);
    // The footer sits in the bottom margin, where text would otherwise start a new page.
    pdf.page.margins.bottom = 0;
    pdf
      .font('Helvetica')
      .fontSize(8)
      .fillColor(GREY)
      .text(
        `${doc.masterplan.title} · joint declaration · page ${i + 1} of ${pages.count}`,
        MARGIN,
        pdf.page.height - MARGIN + 16,
        { width, align: 'center', lineBreak: false },
      );
  }
  pdf.end();
  return pdf;
}
