"""A GP letter drawn with reportlab: a standard-14 font, an embedded
TrueType font, an invisible OCR-style text layer over an image, white text
and kerned text. Written to sys.argv[1]."""
import sys
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
c = canvas.Canvas(sys.argv[1], pagesize=A4, invariant=1)
c.setTitle("GP letter")
c.setAuthor("Dr Amira Haddad")
c.setFont("Helvetica-Bold", 14)
c.drawString(72, 780, "Exampleton Health Centre")
c.setFont("DejaVuSans", 11)
c.drawString(72, 750, "Re: Alfie Thompson, NHS number 943 476 5919")
c.drawString(72, 735, "Seen with his mother Kerry Thompson on 12 November 2026.")
c.drawString(72, 720, "Weight below the 2nd centile; referral to paediatrics made.")
t = c.beginText(72, 700)
t.setFont("Times-Roman", 11)
t.setCharSpace(0.4)
t.textLine("Character-spaced line: Daniel Whitcombe attended the appointment.")
c.drawText(t)
# A grey "scan" with an invisible text layer, as OCR software makes.
c.setFillGray(0.85)
c.rect(72, 560, 300, 100, fill=1, stroke=0)
t = c.beginText(80, 620)
t.setTextRenderMode(3)
t.setFont("Helvetica", 10)
t.textLine("OCR layer: foster carer Margaret O'Sullivan, 7 Orchard Close")
c.drawText(t)
c.setFillColorRGB(1, 1, 1)
c.setFont("Helvetica", 9)
c.drawString(72, 540, "White text: Flat 3, 41 Mill Lane")
c.showPage()
c.save()
