// Outgoing mail over SMTP (nodemailer), for password resets. SMTP_URL names the server
// and its credentials (smtp://user:pass@host:587, smtps://… for TLS from the start).
import nodemailer from "nodemailer";

export type Mail = { to: string; subject: string; text: string };

export type Mailer = {
  send(mail: Mail): Promise<void>;
  close(): void;
};

export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close() {
      transport.close();
    },
  };
}
